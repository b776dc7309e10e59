using CryoSphere.Model;

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
    /// <summary>Where the variational posteriors start (YAML <c>segmentation_start_values</c>); null = uniform.</summary>
    public SegmentationGaussians? StartValues { get; init; }
    /// <summary>The priors (YAML <c>segmentation_prior</c>); null = uniform.</summary>
    public SegmentationGaussians? PriorValues { get; init; }
}
