using System.Numerics.Tensors;

namespace MlNetTriplet.Neighbors;

/// <summary>Random-projection trees (as pynndescent's euclidean trees): each split is the hyperplane halfway between
/// two random rows of the node. Their leaves seed NN-descent (rows sharing a leaf are likely neighbours) and give
/// transform() queries a starting point. A hyperplane is stored as its two rows (indices) plus an offset, not as a
/// dims-long normal: the forest costs a few ints per node. Each tree draws from its own random stream and trees are
/// built in parallel, so the forest does not depend on the thread count.</summary>
internal sealed class RandomProjectionForest
{
    private readonly Tree[] _trees;

    private RandomProjectionForest(Tree[] trees) => _trees = trees;

    public int TreeCount => _trees.Length;

    /// <summary>pynndescent's defaults: 5 + n^0.25 trees (at most 32), leaves of max(10, k) rows... a little larger
    /// here (2k, at most 60) which costs little and makes the initial graph better.</summary>
    public static int DefaultTreeCount(int rows) => Math.Min(32, 5 + (int)Math.Round(Math.Pow(rows, 0.25)));

    public static int DefaultLeafSize(int k) => Math.Clamp(2 * k, 10, 60);

    public static RandomProjectionForest Build(float[] data, int rows, int dims, int treeCount, int leafSize, int seed,
        ParallelOptions po)
    {
        var norms = new float[rows];
        Parallel.For(0, rows, po, i => norms[i] = TensorPrimitives.Dot(data.AsSpan(i * dims, dims), data.AsSpan(i * dims, dims)));
        var trees = new Tree[treeCount];
        Parallel.For(0, treeCount, po, t => trees[t] = Tree.Build(data, norms, rows, dims, leafSize,
            RandomStream.For(seed, StreamPurpose.Tree, t)));
        return new RandomProjectionForest(trees);
    }

    /// <summary>Every leaf of every tree, as a segment of row indices.</summary>
    public IEnumerable<ArraySegment<int>> Leaves()
    {
        foreach (var tree in _trees)
            for (int l = 0; l < tree.LeafStart.Length; l++)
                yield return new ArraySegment<int>(tree.Points, tree.LeafStart[l], tree.LeafCount[l]);
    }

    /// <summary>The rows in the leaf of tree <paramref name="tree"/> that <paramref name="point"/> falls into.</summary>
    public ReadOnlySpan<int> Leaf(int tree, ReadOnlySpan<float> point, float[] data, int dims)
    {
        var t = _trees[tree];
        int node = t.Root;
        while (node >= 0)
        {
            float margin = TensorPrimitives.Dot(data.AsSpan(t.P1[node] * dims, dims), point)
                - TensorPrimitives.Dot(data.AsSpan(t.P2[node] * dims, dims), point) + t.Offset[node];
            node = margin > 0f ? t.Left[node] : t.Right[node];
        }
        int leaf = ~node;
        return t.Points.AsSpan(t.LeafStart[leaf], t.LeafCount[leaf]);
    }

    public void Write(BinaryWriter w)
    {
        w.Write(_trees.Length);
        foreach (var t in _trees)
        {
            w.Write(t.Root);
            Persist.WriteArray(w, t.P1); Persist.WriteArray(w, t.P2); Persist.WriteArray(w, t.Offset);
            Persist.WriteArray(w, t.Left); Persist.WriteArray(w, t.Right);
            Persist.WriteArray(w, t.LeafStart); Persist.WriteArray(w, t.LeafCount); Persist.WriteArray(w, t.Points);
        }
    }

    public static RandomProjectionForest Read(BinaryReader r)
    {
        var trees = new Tree[Persist.ReadCount(r)];
        for (int i = 0; i < trees.Length; i++)
        {
            int root = r.ReadInt32();
            trees[i] = new Tree(root, Persist.ReadInts(r), Persist.ReadInts(r), Persist.ReadFloats(r), Persist.ReadInts(r),
                Persist.ReadInts(r), Persist.ReadInts(r), Persist.ReadInts(r), Persist.ReadInts(r));
        }
        return new RandomProjectionForest(trees);
    }

    /// <summary>One tree. Internal nodes are numbered from 0; a child reference c &lt; 0 is leaf ~c.</summary>
    private sealed record Tree(int Root, int[] P1, int[] P2, float[] Offset, int[] Left, int[] Right, int[] LeafStart,
        int[] LeafCount, int[] Points)
    {
        public static Tree Build(float[] data, float[] norms, int rows, int dims, int leafSize, RandomStream rng)
        {
            var points = new int[rows];
            for (int i = 0; i < rows; i++) points[i] = i;
            var side = new bool[rows];
            List<int> p1 = [], p2 = [], left = [], right = [], leafStart = [], leafCount = [];
            List<float> offset = [];
            // Work items: (start, count, parent node, is left child); parent -1 means the root.
            var stack = new Stack<(int Start, int Count, int Parent, bool IsLeft)>();
            stack.Push((0, rows, -1, true));
            int root = 0;
            while (stack.Count > 0)
            {
                var (start, count, parent, isLeft) = stack.Pop();
                int reference;
                if (count <= leafSize)
                {
                    reference = ~leafStart.Count;
                    leafStart.Add(start);
                    leafCount.Add(count);
                }
                else
                {
                    int a = points[start + rng.NextInt(count)];
                    int b = points[start + rng.NextInt(count - 1)];
                    if (b == a) b = points[start + count - 1];
                    float off = -0.5f * (norms[a] - norms[b]);
                    int nLeft = 0;
                    for (int i = start; i < start + count; i++)
                    {
                        int p = points[i];
                        var x = data.AsSpan(p * dims, dims);
                        float margin = TensorPrimitives.Dot(data.AsSpan(a * dims, dims), x)
                            - TensorPrimitives.Dot(data.AsSpan(b * dims, dims), x) + off;
                        bool l = margin > 0f || (margin == 0f && (rng.NextULong() & 1) == 0);
                        side[p] = l;
                        if (l) nLeft++;
                    }
                    if (nLeft == 0 || nLeft == count)
                    {
                        // Degenerate hyperplane (duplicate rows): split the node in halves.
                        nLeft = count / 2;
                        for (int i = start; i < start + count; i++) side[points[i]] = i < start + nLeft;
                    }
                    else
                    {
                        int lo = start, hi = start + count - 1;
                        while (lo <= hi)
                        {
                            if (side[points[lo]]) lo++;
                            else { (points[lo], points[hi]) = (points[hi], points[lo]); hi--; }
                        }
                    }
                    reference = p1.Count;
                    p1.Add(a); p2.Add(b); offset.Add(off); left.Add(0); right.Add(0);
                    stack.Push((start + nLeft, count - nLeft, reference, false));
                    stack.Push((start, nLeft, reference, true));
                }
                if (parent < 0) root = reference;
                else if (isLeft) left[parent] = reference;
                else right[parent] = reference;
            }
            return new Tree(root, [.. p1], [.. p2], [.. offset], [.. left], [.. right], [.. leafStart], [.. leafCount], points);
        }
    }
}
