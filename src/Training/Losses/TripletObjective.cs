using MlNetTriplet.Training.Mining;
using static TorchSharp.torch;

namespace MlNetTriplet.Training.Losses;

/// <summary>A metric-learning objective for the training loop, composed of independent pieces: a miner picks triplets
/// from the batch's embeddings and labels, a distance measures them, a triplet loss scores each, a reduction averages.</summary>
internal sealed class TripletObjective(TripletMining mining, DistanceMetric distance, TripletLossKind loss,
    double margin, TripletReduction reduction) : ITrainingObjective
{
    public bool ReportsAccuracy => false;

    public Tensor Loss(Tensor output, Tensor labels)
    {
        var triplets = TripletMiners.Mine(mining, output, labels, distance);
        var perTriplet = TripletLosses.PerTriplet(loss, triplets.AnchorPositive, triplets.AnchorNegative, margin);
        return TripletLosses.Reduce(perTriplet, triplets.Valid, reduction);
    }

    public long CountCorrect(Tensor output, Tensor labels) =>
        throw new NotSupportedException("A triplet objective has no accuracy.");
}
