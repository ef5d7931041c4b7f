using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Explain;

/// <summary>A generated weak-localisation set: one object (a disc, square, triangle or cross, its class) at a random
/// place in a cluttered RGB scene (a colour gradient, noise, thin lines, specks and small blobs), with the object's
/// box known exactly. The clutter never forms a class shape, so a classifier must find the object to be right, and a
/// map can be checked against the box. Deterministic with a seed. Shared with bench/ClassActivationMaps.</summary>
internal static class ClutterScenes
{
    public const int Side = 48;
    public static readonly ImageShape Shape = new(3, Side, Side);
    public static readonly string[] Classes = ["disc", "square", "triangle", "cross"];

    /// <summary>One scene: the image (3 x Side x Side, planar RGB in [0, 1]), its class and the object's box
    /// (x, y, width, height in pixels).</summary>
    public sealed record Scene(float[] Pixels, string Label, int X, int Y, int Width, int Height);

    /// <summary>A row of <see cref="ToDataView"/>.</summary>
    public sealed class Row
    {
        public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    /// <summary>The classifier the maps are checked on: three 3x3 convolution blocks (16, 32, 64 filters, batch norm,
    /// max pooling after the first two, so the last block's maps are 12 x 12) and a global-average-pool head.</summary>
    public static readonly CnnArchitecture Architecture = new()
    {
        Blocks =
        [
            new ConvBlock { Filters = 16, BatchNorm = true },
            new ConvBlock { Filters = 32, BatchNorm = true },
            new ConvBlock { Filters = 64, BatchNorm = true, Pooling = Pooling.None },
        ],
        Head = CnnHead.GlobalAveragePool,
        HeadDropout = 0,
    };

    /// <summary>MapValueToKey on the label, then the CNN on the scenes.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, int epochs, int seed) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
            {
                Architecture = Architecture, ImageShape = Shape, NumberOfEpochs = epochs, Seed = seed, BatchSize = 32,
            }));

    public static List<Scene> Generate(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => Draw(random, i % Classes.Length)).ToList();
    }

    /// <summary>Features (<c>Vector&lt;Single, 3*Side*Side&gt;</c>) and Label (text) columns.</summary>
    public static IDataView ToDataView(MLContext ml, IEnumerable<Scene> scenes) =>
        ml.Data.LoadFromEnumerable(scenes.Select(s => new Row { Features = s.Pixels, Label = s.Label }).ToList(), RowSchema());

    /// <summary>The schema of <see cref="Row"/>, its vector's size known.</summary>
    public static SchemaDefinition RowSchema()
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Shape.Size);
        return schema;
    }

    private static Scene Draw(Random random, int label)
    {
        var pixels = new float[Shape.Size];
        var from = RandomColour(random);
        var to = RandomColour(random);
        bool horizontal = random.Next(2) == 0;
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                float t = (horizontal ? x : y) / (float)(Side - 1);
                for (int c = 0; c < 3; c++)
                    pixels[(c * Side + y) * Side + x] = from[c] + (to[c] - from[c]) * t + (float)(random.NextDouble() - 0.5) * 0.08f;
            }
        for (int i = random.Next(5, 9); i > 0; i--)
            DrawLine(pixels, random);
        for (int i = random.Next(10, 20); i > 0; i--)
        {
            int size = random.Next(1, 4);
            Fill(pixels, random.Next(Side - size), random.Next(Side - size), size, size, RandomColour(random));
        }

        int side = random.Next(14, 21);
        int left = random.Next(1, Side - side - 1), top = random.Next(1, Side - side - 1);
        var colour = ContrastingColour(random, pixels, left, top, side);
        bool Inside(int x, int y) => label switch
        {
            0 => Square(x - side / 2.0 + 0.5) + Square(y - side / 2.0 + 0.5) <= Square(side / 2.0),
            1 => true,
            2 => Math.Abs(x - side / 2.0 + 0.5) <= (y + 0.5) / 2.0,
            _ => Math.Abs(x - side / 2.0 + 0.5) < side / 6.0 || Math.Abs(y - side / 2.0 + 0.5) < side / 6.0,
        };
        int minX = side, minY = side, maxX = -1, maxY = -1;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                if (!Inside(x, y))
                    continue;
                (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
                for (int c = 0; c < 3; c++)
                    pixels[(c * Side + top + y) * Side + left + x] = colour[c];
            }
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = Math.Clamp(pixels[i], 0, 1);
        return new Scene(pixels, Classes[label], left + minX, top + minY, maxX - minX + 1, maxY - minY + 1);
    }

    private static double Square(double v) => v * v;

    private static float[] RandomColour(Random random) =>
        [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];

    /// <summary>A colour whose brightness differs from the mean brightness under the object by at least 0.35.</summary>
    private static float[] ContrastingColour(Random random, float[] pixels, int left, int top, int side)
    {
        double background = 0;
        for (int y = top; y < top + side; y++)
            for (int x = left; x < left + side; x++)
                background += Brightness(pixels, x, y);
        background /= side * side;
        while (true)
        {
            var colour = RandomColour(random);
            if (Math.Abs((colour[0] + colour[1] + colour[2]) / 3 - background) >= 0.35)
                return colour;
        }
    }

    private static double Brightness(float[] pixels, int x, int y) =>
        (pixels[y * Side + x] + pixels[(Side + y) * Side + x] + pixels[(2 * Side + y) * Side + x]) / 3.0;

    private static void DrawLine(float[] pixels, Random random)
    {
        var colour = RandomColour(random);
        double x = random.Next(Side), y = random.Next(Side), angle = random.NextDouble() * Math.PI * 2;
        int length = random.Next(8, 30);
        for (int step = 0; step < length; step++, x += Math.Cos(angle), y += Math.Sin(angle))
            if (x >= 0 && x < Side && y >= 0 && y < Side)
                Fill(pixels, (int)x, (int)y, 1, 1, colour);
    }

    private static void Fill(float[] pixels, int left, int top, int width, int height, float[] colour)
    {
        for (int y = top; y < top + height; y++)
            for (int x = left; x < left + width; x++)
                for (int c = 0; c < 3; c++)
                    pixels[(c * Side + y) * Side + x] = colour[c];
    }
}
