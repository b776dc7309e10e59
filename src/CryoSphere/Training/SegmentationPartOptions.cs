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
    /// <summary>`N_segm`; null = <see cref="DefaultSegmentsFor"/> the part's residues, fixed when a run starts.</summary>
    public int? Segments { get; init; }
    public string? Chain { get; init; }
    /// <summary>First residue of the part, the chain's author residue number, inclusive (docs/conventions.md); with <see cref="EndRes"/> null too: the whole chain.</summary>
    public int? StartRes { get; init; }
    /// <summary>Last residue of the part, the chain's author residue number, inclusive.</summary>
    public int? EndRes { get; init; }
    /// <summary>Where the variational posteriors start (YAML <c>segmentation_start_values</c>); null = uniform.</summary>
    public SegmentationGaussians? StartValues { get; init; }
    /// <summary>The priors (YAML <c>segmentation_prior</c>); null = uniform.</summary>
    public SegmentationGaussians? PriorValues { get; init; }

    /// <summary>
    /// Segments for a part of <paramref name="residues"/> residues when none are configured: one per ~50 residues,
    /// at least 6 and at most 20. With 6 fixed, Cas9's 134-residue HNH domain (1,156 residues, 193 per segment) was not
    /// learned (0.23 of what the images allow) and 20 did better (docs/training-defaults.md §12); at most 20 because a
    /// step at K 20 costs ×1.05–1.1 of K 6 (bench/README), more was not measured. Parts under 325 residues keep 6.
    /// </summary>
    public static int DefaultSegmentsFor(int residues) => Math.Clamp((int)Math.Round(residues / (double)ResiduesPerSegment), 6, 20);

    /// <summary>The default's segment resolution: about a small domain's length.</summary>
    public const int ResiduesPerSegment = 50;
}
