using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>Options of <c>mlContext.Transforms.ClassActivationMaps</c>: the method, what is explained, at which block,
/// and the columns added.</summary>
public sealed class ClassActivationMapOptions
{
    /// <summary>How the feature maps are weighed. Default <see cref="CamMethod.GradCam"/>, which works with every
    /// classifier of the package and equals <see cref="CamMethod.Cam"/> on a global-average-pool head.</summary>
    public CamMethod Method { get; set; } = CamMethod.GradCam;

    /// <summary>The score explained. Default <see cref="CamTarget.PredictedClass"/>.</summary>
    public CamTarget Target { get; set; } = CamTarget.PredictedClass;

    /// <summary>The block whose feature maps are read: "block0", "block1"... for the CNN classifier; the backbone's
    /// block names for transfer learning (ResNets "stem", "layer1".."layer4"). Default null: the last block (coarsest
    /// maps, most class-specific).</summary>
    public string? LayerName { get; set; }

    /// <summary>The map column: <c>Vector&lt;Single, H*W&gt;</c> at the network input's resolution, row-major, values
    /// in [0, 1]. Default <c>"ActivationMap"</c>.</summary>
    public string OutputColumnName { get; set; } = "ActivationMap";

    /// <summary>The explained class column, a key with the classifier's label values (as <c>PredictedLabel</c>).
    /// Default <c>"ExplainedLabel"</c>.</summary>
    public string ExplainedLabelColumnName { get; set; } = "ExplainedLabel";

    /// <summary>When set, also adds this column: the box of the map's largest region above
    /// <see cref="BoxThreshold"/> of its maximum (the CAM paper's weak localisation), a <c>Vector&lt;Single, 4&gt;</c>
    /// of x, y, width, height in pixels of the map (origin top-left; all zero for an empty map). Default null.</summary>
    public string? BoxColumnName { get; set; }

    /// <summary>Share of the map's maximum a pixel must reach to belong to the box. Default 0.2 (the CAM paper's).</summary>
    public float BoxThreshold { get; set; } = 0.2f;

    /// <summary>When set, also adds this column: the image as the network took it (C x H x W, RGB or grey, e.g. the
    /// resized and cropped photo in [0, 1]), the picture the map lies over. Default null.</summary>
    public string? PreparedImageColumnName { get; set; }

    /// <summary>Rows mapped together. Default null: the classifier's inference batch size.</summary>
    public int? BatchSize { get; set; }

    internal ClassActivationMapOptions Clone() => (ClassActivationMapOptions)MemberwiseClone();

    internal void Validate()
    {
        var check = OptionChecks.For(this);
        check.Defined(Method, nameof(Method));
        check.Required(Target, nameof(Target), "a CamTarget (CamTarget.PredictedClass by default)");
        check.Accepts(LayerName is null || !string.IsNullOrWhiteSpace(LayerName), nameof(LayerName), LayerName,
            "null (the last block) or a block name");
        check.ColumnName(OutputColumnName, nameof(OutputColumnName));
        check.ColumnName(ExplainedLabelColumnName, nameof(ExplainedLabelColumnName));
        check.ColumnName(BoxColumnName, nameof(BoxColumnName), optional: true);
        check.ColumnName(PreparedImageColumnName, nameof(PreparedImageColumnName), optional: true);
        check.DistinctColumns([(nameof(OutputColumnName), OutputColumnName), (nameof(ExplainedLabelColumnName), ExplainedLabelColumnName),
            (nameof(BoxColumnName), BoxColumnName), (nameof(PreparedImageColumnName), PreparedImageColumnName)]);
        check.Accepts(BoxThreshold is > 0 and < 1, nameof(BoxThreshold), BoxThreshold, "a number in (0, 1)");
        check.Accepts(BatchSize is null or >= 1, nameof(BatchSize), BatchSize, "null (the classifier's inference batch size) or at least 1");
    }
}
