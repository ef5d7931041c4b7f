using MlNetTriplet.Projection;

namespace MlNetTriplet.Tests.Projection;

[TestClass]
public sealed class LayoutOptimizerTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void OptimizeFit_PairOvershootingEachOther_KeepsItsMidpoint()
    {
        // One heavy edge, no repulsion, min_dist 0.3's curve: the first epochs' steps (2 alpha |coefficient| > 1)
        // overshoot. Moving both ends by one gradient swaps the pair around a fixed midpoint; moving one end at a time
        // from a stale copy of the other let the pair leapfrog away (issue 14).
        // The pair is vertices 0 and 300 of 600 (the others have no edges), so that a block scheme puts them apart.
        const int rows = 600, other = 300;
        var rowStart = new int[rows + 1];
        for (int i = 1; i <= rows; i++) rowStart[i] = i <= other ? 1 : 2;
        var graph = new SparseGraph(rows, rowStart, [other, 0], [1f, 1f]);
        var (a, b) = CurveFit.FindAB(1f, 0.3f);
        var embedding = new float[2 * rows];
        (embedding[0], embedding[1], embedding[2 * other], embedding[2 * other + 1]) = (3f, 4f, 3.2f, 4.1f);
        LayoutOptimizer.OptimizeFit(embedding, rows, 2, graph, 500, a, b, 1f, 1f, 0, 1, new ParallelOptions());
        TestContext.WriteLine($"pair after 500 epochs: ({embedding[0]}, {embedding[1]}) ({embedding[2 * other]}, {embedding[2 * other + 1]})");
        Assert.AreEqual(3.1f, (embedding[0] + embedding[2 * other]) / 2, 1e-4f);
        Assert.AreEqual(4.05f, (embedding[1] + embedding[2 * other + 1]) / 2, 1e-4f);
        Assert.IsTrue(embedding.All(float.IsFinite));
    }

    [TestMethod]
    public void OptimizeFit_NearDuplicatePairLooselyTiedToTheMap_StaysInsideIt()
    {
        // A 24 x 24 lattice (the bulk of a map) and a near-duplicate pair: one heaviest edge between them and weak ones
        // (0.05) to four lattice points. One-sided steps from a stale copy of the other end let such a pair leapfrog
        // out of the map (issue 14: two dots 250 units from a map 40 wide); moving both ends keeps it inside.
        const int side = 24, lattice = side * side, rows = lattice + 2, first = lattice, second = lattice + 1;
        var neighbours = Enumerable.Range(0, rows).Select(_ => new SortedDictionary<int, float>()).ToArray();
        void Edge(int u, int v, float w) => (neighbours[u][v], neighbours[v][u]) = (w, w);
        for (int v = 0; v < lattice; v++)
        {
            if (v % side + 1 < side) Edge(v, v + 1, 1f);
            if (v + side < lattice) Edge(v, v + side, 1f);
        }
        Edge(first, second, 1f);
        int centre = side / 2 * side + side / 2;
        foreach (int v in new[] { centre, centre + 1, centre + side, centre + side + 1 })
        {
            Edge(first, v, 0.05f);
            Edge(second, v, 0.05f);
        }
        var rowStart = new int[rows + 1];
        for (int v = 0; v < rows; v++) rowStart[v + 1] = rowStart[v] + neighbours[v].Count;
        var graph = new SparseGraph(rows, rowStart, neighbours.SelectMany(n => n.Keys).ToArray(),
            neighbours.SelectMany(n => n.Values).ToArray());
        var (a, b) = CurveFit.FindAB(1f, 0.3f);
        foreach (int seed in new[] { 0, 1, 2 })
        {
            var embedding = new float[2 * rows];
            for (int v = 0; v < lattice; v++)
                (embedding[2 * v], embedding[2 * v + 1]) = (10f * (v % side) / side, 10f * (v / side) / side);
            (embedding[2 * first], embedding[2 * first + 1], embedding[2 * second], embedding[2 * second + 1]) = (5f, 5f, 5.0001f, 5f);
            LayoutOptimizer.OptimizeFit(embedding, rows, 2, graph, 500, a, b, 1f, 1f, 5, seed, new ParallelOptions());
            for (int axis = 0; axis < 2; axis++)
            {
                var bulk = Enumerable.Range(0, lattice).Select(v => embedding[2 * v + axis]).ToArray();
                float low = bulk.Min(), high = bulk.Max(), pair = (embedding[2 * first + axis] + embedding[2 * second + axis]) / 2;
                TestContext.WriteLine($"seed {seed}, axis {axis}: lattice {low:F1}..{high:F1}, pair {pair:F1}");
                Assert.IsLessThan((high - low) / 4, Math.Abs(pair - (low + high) / 2),
                    $"seed {seed}: the pair left the middle of the map ({pair} on axis {axis}; the map spans {low}..{high})");
            }
        }
    }

    [TestMethod]
    public void EdgeSchedule_EveryEdgeOnceInATaskOwningBothEnds_EveryBlockOnceARound()
    {
        const int rows = 3000;
        var rng = new Random(3);
        var rowStart = new int[rows + 1];
        var columns = new List<int>();
        for (int i = 0; i < rows; i++)
        {
            var neighbours = Enumerable.Range(0, 8).Select(_ => rng.Next(rows)).Where(k => k != i).Distinct().Order();
            columns.AddRange(neighbours);
            rowStart[i + 1] = columns.Count;
        }
        var graph = new SparseGraph(rows, rowStart, [.. columns], new float[columns.Count]);
        var schedule = EdgeSchedule.Build(graph, seed: 4);

        Assert.AreEqual(10, schedule.Blocks);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, graph.EdgeCount).ToArray(), schedule.Order);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, rows).ToArray(), schedule.SlotOf);
        var rowOf = Enumerable.Range(0, rows).SelectMany(i => Enumerable.Repeat(i, rowStart[i + 1] - rowStart[i])).ToArray();
        for (int round = 0; round < schedule.Rounds; round++)
        {
            var blocks = new List<int>();
            for (int task = round * schedule.TasksPerRound; task < (round + 1) * schedule.TasksPerRound; task++)
            {
                var (x, y) = schedule.TaskBlocks[task];
                blocks.AddRange([x, y]);
                bool Owns(int slot) => (slot >= schedule.BlockStart[x] && slot < schedule.BlockStart[x + 1])
                    || (slot >= schedule.BlockStart[y] && slot < schedule.BlockStart[y + 1]);
                for (int o = schedule.TaskStart[task]; o < schedule.TaskStart[task + 1]; o++)
                {
                    int e = schedule.Order[o];
                    Assert.AreEqual(schedule.SlotOf[rowOf[e]], schedule.Heads[o], "wrong head");
                    Assert.AreEqual(schedule.SlotOf[columns[e]], schedule.Tails[o], "wrong tail");
                    Assert.IsTrue(Owns(schedule.Heads[o]) && Owns(schedule.Tails[o]), $"edge {e} outside its task's blocks");
                }
            }
            // Every block in exactly one task of the round: the tasks own disjoint vertices, and all of them.
            CollectionAssert.AreEquivalent(Enumerable.Range(0, schedule.Blocks).ToArray(), blocks, $"round {round}");
        }
    }
}
