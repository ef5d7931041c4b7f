// Usage: ModelProbe <model.zip> <images.idx> <labels.idx> <rows> <output.txt> [column]
//        ModelProbe --with-loader <model.zip> <data file> <column> <output.txt>
// Writes one line per row: the column (default "Score"; scalar or vector), space-separated, as round-trip ("R")
// floats. The second form loads the data loader saved in the zip (ml.Model.Save(model, loader, path)).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
IDataView scored;
string column, output;
if (args[0] == "--with-loader")
{
    var model = ml.Model.LoadWithDataLoader(args[1], out IDataLoader<IMultiStreamSource> loader);
    scored = model.Transform(loader.Load(new MultiFileSource(args[2])));
    column = args[3];
    output = args[4];
}
else
{
    var model = ml.Model.Load(args[0], out _);
    scored = model.Transform(ml.Data.LoadFromIdx(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)));
    output = args[4];
    column = args.Length > 5 ? args[5] : "Score";
}
var values = scored.Schema[column].Type is VectorDataViewType
    ? scored.GetColumn<float[]>(column)
    : scored.GetColumn<float>(column).Select(v => new[] { v });
File.WriteAllLines(output, values.Select(s => string.Join(' ', s.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
