using TorchSharp;
using TorchSharp.Modules;

namespace MlNetTriplet.Training;

/// <summary>Parameters the optimiser updates together, at a factor of the schedule's learning rate.</summary>
internal sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double LearningRateFactor);

/// <summary>What a training run updates: parameter groups, each at its own share of the learning rate (a pretrained
/// backbone learns slower than a new head), and frozen modules, which get no gradients and stay in eval mode so
/// their batch-norm statistics do not move.</summary>
internal sealed record TrainableParts(IReadOnlyList<ParameterGroup> Groups, IReadOnlyList<torch.nn.Module> Frozen)
{
    /// <summary>Every parameter of <paramref name="model"/> at the full learning rate.</summary>
    public static TrainableParts All(torch.nn.Module model) => new([new ParameterGroup(model.parameters().ToList(), 1)], []);
}
