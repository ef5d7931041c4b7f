using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Bench;

/// <summary>How the rows of an embedding spread out, to test the collapse explanation of issue 24: trained on K
/// classes, a metric loss is minimised by K tight clusters, which span only K - 1 directions; rows of other classes
/// squeezed into those directions can no longer be told apart.</summary>
/// <param name="EffectiveRank">exp of the entropy of the covariance's eigenvalue shares (Roy and Vetterli 2007):
/// the number of directions the rows really use, from 1 to the dimension.</param>
/// <param name="LeadingShare">Share of the variance in the <c>K - 1</c> leading principal components (K the training
/// classes): near 1 when every row lies in the simplex of the training classes.</param>
/// <param name="WithinClassShare">Share of the variance within classes (sum of squared distances to the row's class
/// mean over those to the overall mean): 0 when each class is a point, 1 when the classes are not apart at all.</param>
internal sealed record EmbeddingSpread(double EffectiveRank, double LeadingShare, double WithinClassShare)
{
    public static EmbeddingSpread Of(float[][] rows, uint[] labels, int leadingComponents)
    {
        using var scope = NewDisposeScope();
        int n = rows.Length, d = rows[0].Length;
        var flat = new float[(long)n * d];
        for (int i = 0; i < n; i++)
            rows[i].CopyTo(flat, (long)i * d);
        var x = tensor(flat, [n, d]).to_type(ScalarType.Float64);
        var centred = x - x.mean([0], keepdim: true);
        double total = centred.square().sum().item<double>();
        var eigen = linalg.svdvals(centred).square();
        var shares = eigen / eigen.sum();
        var used = shares.masked_select(shares > 1e-12);
        double entropy = -(used * used.log()).sum().item<double>();
        double leading = shares.narrow(0, 0, Math.Min(leadingComponents, shares.shape[0])).sum().item<double>();

        double within = 0;
        foreach (var group in Enumerable.Range(0, n).GroupBy(i => labels[i]))
        {
            var members = x.index_select(0, tensor(group.Select(i => (long)i).ToArray()));
            within += (members - members.mean([0], keepdim: true)).square().sum().item<double>();
        }
        return new(Math.Exp(entropy), leading, total > 0 ? within / total : double.NaN);
    }
}
