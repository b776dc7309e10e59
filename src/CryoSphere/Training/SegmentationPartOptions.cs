namespace CryoSphere.Training;

/// <summary>
/// One part of the segmentation: either the whole structure, or a residue range of one chain with
/// its own number of segments. Optional start and prior values override the uniform defaults.
/// </summary>
public sealed record SegmentationPartOptions
{
    public string Name { get; init; } = "part1";
    public bool AllProtein { get; init; } = true;
    public int Segments { get; init; } = 6;
    public string? Chain { get; init; }
    /// <summary>First residue of the part, 0-based index within the chain (reference convention), inclusive.</summary>
    public int? StartRes { get; init; }
    /// <summary>Last residue of the part, 0-based index within the chain, inclusive.</summary>
    public int? EndRes { get; init; }
    public SegmentationValues? StartValues { get; init; }
    public SegmentationValues? PriorValues { get; init; }
}

/// <summary>Per-segment values of the variational parameters (means of μ, σ, α and their spreads).</summary>
public sealed record SegmentationValues(
    double[] MeansMeans, double[] MeansStds,
    double[] StdsMeans, double[] StdsStds,
    double[] ProportionsMeans, double[] ProportionsStds);
