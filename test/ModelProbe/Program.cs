// Usage: ModelProbe <model.zip> <images.idx> <labels.idx> <rows> <output.txt> [column]
//        ModelProbe --with-loader <model.zip> <data file> <column> <output.txt>
//        ModelProbe --one-by-one <model.zip> <images.idx> <labels.idx> <rows> <output.txt> <column>
//        ModelProbe --image-folder <model.zip> <folder> <output.txt> <column>
// Writes one line per row: the column (default "Score"; scalar or vector; integers converted), space-separated, as
// round-trip ("R") floats. The second form loads the data loader saved in the zip (ml.Model.Save(model, loader, path)). The third
// predicts the rows one at a time through a PredictionEngine, as a server does (a vector column). The fourth scores
// the photos of an image folder (mlContext.Data.LoadFromImageFolder); this project references no weights package, so
// a photo model must load from its zip alone.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
IEnumerable<float[]> values;
string output;
if (args[0] == "--with-loader")
{
    var model = ml.Model.LoadWithDataLoader(args[1], out IDataLoader<IMultiStreamSource> loader);
    values = Read(model.Transform(loader.Load(new MultiFileSource(args[2]))), args[3]);
    output = args[4];
}
else if (args[0] == "--one-by-one")
{
    var model = ml.Model.Load(args[1], out _);
    var data = ml.Data.LoadFromIdx(args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture));
    var input = SchemaDefinition.Create(typeof(Row));
    input[nameof(Row.Features)].ColumnType = data.Schema["Features"].Type;
    var outputColumn = SchemaDefinition.Create(typeof(Prediction));
    outputColumn[nameof(Prediction.Values)].ColumnName = args[6];
    var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(model, new PredictionEngineOptions
    {
        InputSchemaDefinition = input, OutputSchemaDefinition = outputColumn,
    });
    values = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).Select(row => engine.Predict(row).Values).ToList();
    output = args[5];
}
else if (args[0] == "--image-folder")
{
    var model = ml.Model.Load(args[1], out _);
    values = Read(model.Transform(ml.Data.LoadFromImageFolder(args[2])), args[4]);
    output = args[3];
}
else
{
    var model = ml.Model.Load(args[0], out _);
    var scored = model.Transform(ml.Data.LoadFromIdx(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)));
    values = Read(scored, args.Length > 5 ? args[5] : "Score");
    output = args[4];
}
File.WriteAllLines(output, values.Select(s => string.Join(' ', s.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

IEnumerable<float[]> Read(IDataView scored, string column)
{
    // Integer columns (a search's neighbour ids) are written as floats: exact below 2^24.
    var type = scored.Schema[column].Type;
    if ((type is VectorDataViewType vector ? vector.ItemType : type) is NumberDataViewType number && number != NumberDataViewType.Single)
        scored = ml.Transforms.Conversion.ConvertType(column, outputKind: DataKind.Single).Fit(scored).Transform(scored);
    return scored.Schema[column].Type is VectorDataViewType
        ? scored.GetColumn<float[]>(column)
        : scored.GetColumn<float>(column).Select(v => new[] { v });
}

internal sealed class Row
{
    public float[] Features { get; set; } = [];
    public uint Label { get; set; }
}

internal sealed class Prediction
{
    public float[] Values { get; set; } = [];
}
