using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>Every row once per epoch, reshuffled each epoch by libtorch's <c>randperm</c> from (seed, epoch); the last
/// partial batch kept.</summary>
internal sealed class PermutedPlan(int count, int batchSize, long seed) : BatchPlan
{
    public override int StepsPerEpoch => (count + batchSize - 1) / batchSize;

    public override IReadOnlyList<int[]> Epoch(int epoch)
    {
        using var generator = new Generator(unchecked((ulong)EpochSeed(seed, epoch)));
        using var order = randperm(count, generator: generator);
        return order.data<long>().Select(i => (int)i).Chunk(batchSize).ToArray();
    }
}
