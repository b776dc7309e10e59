namespace CryoSphere.Model;

/// <summary>
/// Shape of the cryoSPHERE VAE. Defaults follow the paper (method.md §5): latent 8, encoder hidden
/// 512-256-64-64, decoder hidden 512-512, τ = 0.05, amortised encoder.
/// </summary>
/// <param name="ImageSide">N, pixels per side of the (downsampled) images the encoder sees.</param>
/// <param name="ResidueCount">R, residues of the base structure.</param>
/// <param name="Parts">Segmented parts (<see cref="SegmentationPart.WholeProtein"/> for `all_protein`).</param>
public sealed record ModelOptions(int ImageSide, int ResidueCount, IReadOnlyList<SegmentationPart> Parts)
{
    /// <summary>L, `latent_dimension`.</summary>
    public int LatentDim { get; init; } = 8;

    /// <summary>Values per encoder input; null: the image, <see cref="ImageSide"/>².</summary>
    public int? EncoderInputSize { get; init; }

    /// <summary>`encoder_forces_components`: principal components the encoder projects its input on; 0: none.</summary>
    public int EncoderComponents { get; init; }

    /// <summary>`encoder.hidden_dimensions`.</summary>
    public IReadOnlyList<int> EncoderHidden { get; init; } = Encoder.DefaultHidden;

    /// <summary>`decoder.hidden_dimensions`.</summary>
    public IReadOnlyList<int> DecoderHidden { get; init; } = Decoder.DefaultHidden;

    /// <summary>`tau_segmentation`.</summary>
    public double TauSegmentation { get; init; } = Segmentation.DefaultTau;

    /// <summary>
    /// `segment_rotation_centre: centroid`: each segment turns about its own centroid (the base structure's residues
    /// weighted by the segment's mean memberships) instead of the box centre (method.md §5). The same rigid motions,
    /// parameterised so that a rotation does not also carry the segment off by |c|·δ (docs/training-defaults.md §12).
    /// </summary>
    public bool RotateAboutSegmentCentroids { get; init; }

    /// <summary>`amortized`: false gives every particle its own free latent posterior.</summary>
    public bool Amortized { get; init; } = true;

    /// <summary>Number of particles; required (positive) when <see cref="Amortized"/> is false.</summary>
    public int ImageCount { get; init; }

    /// <summary>The rows of the per-particle tables this process holds (data parallelism: its own particles); null: all.</summary>
    public RowRange? LatentRows { get; init; }
}
