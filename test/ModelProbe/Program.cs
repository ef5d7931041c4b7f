// Usage: ModelProbe <model.zip> <images.idx> <labels.idx> <rows> <output.txt> [column]
// Writes one line per row: the vector column (default "Score"), space-separated, as round-trip ("R") floats.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var data = ml.Data.LoadFromIdx(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
string column = args.Length > 5 ? args[5] : "Score";
var values = model.Transform(data).GetColumn<float[]>(column);
File.WriteAllLines(args[4], values.Select(s => string.Join(' ', s.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
