// Usage: ModelProbe <model.zip> <images.idx> <labels.idx> <rows> <output.txt> [column]
// Writes one line per row: the column's vector (default Score), space-separated, as round-trip ("R") floats.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var data = ml.Data.LoadFromIdx(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
var scores = model.Transform(data).GetColumn<float[]>(args.Length > 5 ? args[5] : "Score");
File.WriteAllLines(args[4], scores.Select(s => string.Join(' ', s.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
