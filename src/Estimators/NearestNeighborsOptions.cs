using Microsoft.ML.Data;
using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>Options of the nearest-neighbour search transform (<c>mlContext.Transforms.NearestNeighbors</c>) and of
/// the nearest-neighbour classifier (<c>mlContext.MulticlassClassification.Trainers.NearestNeighbors</c>): which
/// gallery columns are kept, how many neighbours are returned, how distances are measured, how the search runs, and
/// the names of the columns added.</summary>
public sealed class NearestNeighborsOptions
{
    /// <summary>The embedding column, a known-size <c>Vector&lt;Single&gt;</c>, in the gallery and in the rows searched
    /// for; default <c>"Features"</c>.</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>The gallery's label column: text, a key, a Boolean or any number; default <c>"Label"</c>. Only the
    /// gallery needs it.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>The gallery's id column (text or a number), returned in <see cref="NeighborIdsColumnName"/>; default
    /// null: the ids are the gallery rows' positions (0-based, <c>Int32</c>).</summary>
    public string? IdColumnName { get; set; }

    /// <summary>Neighbours returned per row (k); default 10, at least 1 and at most the gallery's row count.</summary>
    public int NeighborCount { get; set; } = 10;

    /// <summary>Distance between embeddings; default <see cref="DistanceMetric.Euclidean"/>.</summary>
    public DistanceMetric Distance { get; set; } = DistanceMetric.Euclidean;

    /// <summary>Search an NN-descent index built over the gallery at <c>Fit</c> (and saved with the model) instead of
    /// comparing every row with the whole gallery; default false (exact). Approximate search returns most, not all, of
    /// the true neighbours (recall@10 1.000 Euclidean and 0.9999 cosine, 2.4x and 3.0x the exact search's speed, on
    /// 100,000 generated 64-d vectors: README) and pays off on large galleries;
    /// galleries of 30 rows or fewer are searched exactly.</summary>
    public bool Approximate { get; set; }

    /// <summary>How far an approximate search looks beyond the k-th nearest distance found so far (pynndescent's
    /// <c>epsilon</c>): candidates up to (1 + epsilon) times it are explored. Larger finds more of the true neighbours,
    /// more slowly; 0 stops soonest. Default 0.1 (pynndescent's); 0 to 1. Ignored by the exact search.</summary>
    public float SearchEpsilon { get; set; } = 0.1f;

    /// <summary>How the neighbours vote for a class: when set, the transform also adds ML.NET's multiclass columns
    /// <c>Score</c> (each class's share of the vote, summing to 1) and <c>PredictedLabel</c> (a key). Default null
    /// (no vote) for the search transform; the classifier uses <see cref="NeighborVote.Majority"/> when it is not set.</summary>
    public NeighborVote? Vote { get; set; }

    /// <summary>Name of the added <c>Vector&lt;id type, k&gt;</c> column of the neighbours' ids; default <c>"NeighborIds"</c>.</summary>
    public string NeighborIdsColumnName { get; set; } = "NeighborIds";

    /// <summary>Name of the added <c>Vector&lt;label type, k&gt;</c> column of the neighbours' labels; default
    /// <c>"NeighborLabels"</c>.</summary>
    public string NeighborLabelsColumnName { get; set; } = "NeighborLabels";

    /// <summary>Name of the added <c>Vector&lt;Single, k&gt;</c> column of the neighbours' distances (ascending);
    /// default <c>"NeighborDistances"</c>.</summary>
    public string NeighborDistancesColumnName { get; set; } = "NeighborDistances";

    /// <summary>Seed of the approximate index; null (default) draws it from the <c>MLContext</c>'s seed. The index,
    /// and so the approximate neighbours, are the same for a given seed whatever the thread count.</summary>
    public int? Seed { get; set; }

    /// <summary>Most threads a search or an index build uses; null (default) uses every core. Does not change results.</summary>
    public int? MaxThreads { get; set; }

    internal NearestNeighborsOptions Clone() => (NearestNeighborsOptions)MemberwiseClone();

    internal ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = MaxThreads ?? -1 };

    /// <summary>Throws naming the first invalid option, in <see cref="OptionChecks"/>' form.</summary>
    internal void Validate()
    {
        var check = OptionChecks.For(this);
        check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
        check.ColumnName(LabelColumnName, nameof(LabelColumnName));
        check.ColumnName(IdColumnName, nameof(IdColumnName), optional: true);
        check.Accepts(NeighborCount >= 1, nameof(NeighborCount), NeighborCount, "at least 1");
        check.Defined(Distance, nameof(Distance));
        check.Accepts(SearchEpsilon is >= 0f and <= 1f, nameof(SearchEpsilon), SearchEpsilon, "a number in [0, 1]");
        if (Vote is { } vote)
            check.Defined(vote, nameof(Vote));
        check.ColumnName(NeighborIdsColumnName, nameof(NeighborIdsColumnName));
        check.ColumnName(NeighborLabelsColumnName, nameof(NeighborLabelsColumnName));
        check.ColumnName(NeighborDistancesColumnName, nameof(NeighborDistancesColumnName));
        (string, string?)[] added =
        [
            (nameof(NeighborIdsColumnName), NeighborIdsColumnName), (nameof(NeighborLabelsColumnName), NeighborLabelsColumnName),
            (nameof(NeighborDistancesColumnName), NeighborDistancesColumnName),
        ];
        if (Vote is null)
            check.DistinctColumns(added);
        else
            check.DistinctColumns(added, DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel);
        check.Accepts(MaxThreads is null or >= 1, nameof(MaxThreads), MaxThreads, "null (every core) or at least 1");
    }
}
