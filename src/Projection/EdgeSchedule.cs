using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>The order in which the layout visits the graph's directed edges, so that a parallel SGD can move both ends
/// of an edge (umap-learn's <c>move_other</c>) while no two threads ever write the same vertex and the result does not
/// depend on the thread count.</summary>
/// <remarks>
/// The vertices are renumbered into slots by a seeded permutation and the slots cut into <see cref="Blocks"/> equal,
/// contiguous blocks: balanced whatever the row order of the data (rows sorted by class would otherwise put most edges
/// inside a few blocks), and each block one stretch of memory. A round-robin tournament (the circle method) pairs the
/// blocks: in each of the Blocks - 1 rounds every block meets exactly one other, so the tasks of a round (one per
/// pair) own disjoint sets of vertices, and together all of them. A task visits every edge between its two blocks,
/// both directions, in the graph's order (head ascending); the edges inside a block go to the round-0 task that holds
/// the block. Every edge belongs to exactly one task; the schedule depends on the row count and the seed only.
/// </remarks>
internal sealed class EdgeSchedule
{
    // Blocks of at least this many vertices (fewer, longer rounds for small graphs); at most MaxBlocks blocks, whose
    // 32 tasks a round keep up to a few dozen cores busy.
    private const int MinBlockRows = 256;
    private const int MaxBlocks = 64;

    private EdgeSchedule(int blocks, int[] slotOf, int[] blockStart, (int, int)[] taskBlocks, int[] taskStart,
        int[] order, int[] heads, int[] tails)
    {
        (Blocks, SlotOf, BlockStart, TaskBlocks) = (blocks, slotOf, blockStart, taskBlocks);
        (TaskStart, Order, Heads, Tails) = (taskStart, order, heads, tails);
    }

    /// <summary>The number of vertex blocks (even, at least 2).</summary>
    public int Blocks { get; }

    /// <summary>Rounds per epoch: Blocks - 1.</summary>
    public int Rounds => Blocks - 1;

    /// <summary>Tasks per round, which may run in parallel: Blocks / 2.</summary>
    public int TasksPerRound => Blocks / 2;

    /// <summary>The slot of each vertex (graph row).</summary>
    public int[] SlotOf { get; }

    /// <summary>Block b holds the slots BlockStart[b] .. BlockStart[b + 1] - 1.</summary>
    public int[] BlockStart { get; }

    /// <summary>The two blocks task t = round * <see cref="TasksPerRound"/> + i owns.</summary>
    public (int, int)[] TaskBlocks { get; }

    /// <summary>Task t visits the edges <see cref="Order"/>[TaskStart[t] .. TaskStart[t + 1]).</summary>
    public int[] TaskStart { get; }

    /// <summary>Edge indices of the graph (CSR positions), task after task.</summary>
    public int[] Order { get; }

    /// <summary>The slot of the head (graph row) of each edge of <see cref="Order"/>.</summary>
    public int[] Heads { get; }

    /// <summary>The slot of the tail (graph column) of each edge of <see cref="Order"/>.</summary>
    public int[] Tails { get; }

    public static EdgeSchedule Build(SparseGraph graph, int seed)
    {
        int rows = graph.Rows;
        int blocks = Math.Clamp(rows / MinBlockRows, 2, MaxBlocks) & ~1;
        var vertexAt = new int[rows];
        for (int i = 0; i < rows; i++) vertexAt[i] = i;
        var rng = RandomStream.For(seed, StreamPurpose.Schedule);
        for (int i = rows - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (vertexAt[i], vertexAt[j]) = (vertexAt[j], vertexAt[i]);
        }
        var slotOf = new int[rows];
        for (int s = 0; s < rows; s++) slotOf[vertexAt[s]] = s;
        var blockStart = new int[blocks + 1];
        for (int b = 0; b <= blocks; b++) blockStart[b] = (int)((long)b * rows / blocks);
        var blockOf = new int[rows];
        for (int b = 0; b < blocks; b++)
            for (int s = blockStart[b]; s < blockStart[b + 1]; s++) blockOf[vertexAt[s]] = b;

        int perRound = blocks / 2, tasks = (blocks - 1) * perRound;
        var taskBlocks = new (int, int)[tasks];
        var taskOf = new int[blocks * blocks];
        for (int round = 0; round < blocks - 1; round++)
            for (int i = 0; i < perRound; i++)
            {
                int task = round * perRound + i;
                var (x, y) = taskBlocks[task] = Pair(round, i, blocks);
                taskOf[x * blocks + y] = taskOf[y * blocks + x] = task;
                if (round == 0)
                    taskOf[x * blocks + x] = taskOf[y * blocks + y] = task;
            }

        // A stable counting sort of the edges by task keeps the graph's order within each task.
        var taskStart = new int[tasks + 1];
        var edgeTask = new int[graph.EdgeCount];
        for (int j = 0; j < rows; j++)
            for (int e = graph.RowStart[j]; e < graph.RowStart[j + 1]; e++)
                taskStart[(edgeTask[e] = taskOf[blockOf[j] * blocks + blockOf[graph.Columns[e]]]) + 1]++;
        for (int t = 0; t < tasks; t++) taskStart[t + 1] += taskStart[t];
        var fill = (int[])taskStart.Clone();
        var order = new int[graph.EdgeCount];
        var heads = new int[graph.EdgeCount];
        var tails = new int[graph.EdgeCount];
        for (int j = 0; j < rows; j++)
            for (int e = graph.RowStart[j]; e < graph.RowStart[j + 1]; e++)
            {
                int slot = fill[edgeTask[e]]++;
                order[slot] = e;
                heads[slot] = slotOf[j];
                tails[slot] = slotOf[graph.Columns[e]];
            }
        return new EdgeSchedule(blocks, slotOf, blockStart, taskBlocks, taskStart, order, heads, tails);
    }

    /// <summary>The i-th pair of blocks in a round of the circle method: block Blocks - 1 stays put and meets block
    /// <paramref name="round"/>; the others pair up around the circle.</summary>
    private static (int, int) Pair(int round, int i, int blocks)
    {
        int m = blocks - 1;
        return i == 0 ? (m, round) : ((round + i) % m, (round - i + m) % m);
    }
}
