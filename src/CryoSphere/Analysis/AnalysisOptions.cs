namespace CryoSphere.Analysis;

/// <summary>Settings of <c>cryosphere analyze</c>, with their defaults.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Training run folder.</summary>
    public required string RunDir { get; init; }
    /// <summary>Checkpoint epoch (1-based); null = the newest.</summary>
    public int? Epoch { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Principal components to traverse.</summary>
    public int Pcs { get; init; } = 3;
    /// <summary>Structures per traversal, evenly from the 5th to the 95th percentile.</summary>
    public int Steps { get; init; } = 10;
    /// <summary>k-means clusters whose centres are decoded (0 = none).</summary>
    public int KMeans { get; init; } = 5;
    public int Seed { get; init; } = DefaultSeed;
    /// <summary>The seed of k-means and of the traversals' posterior draws unless given.</summary>
    public const int DefaultSeed = 1;
    /// <summary>Write one structure per particle into multi-model files.</summary>
    public bool AllStructures { get; init; }
    public int ModelsPerFile { get; init; } = 1000;
    /// <summary>Latents (n × L .npy) to use instead of encoding the particles.</summary>
    public string? LatentsPath { get; init; }
    /// <summary>Write MRC maps of the traversal structures.</summary>
    public bool Volumes { get; init; }
    /// <summary>Particle filter, e.g. <c>pc1&gt;0.5 &amp; z2&lt;0</c>.</summary>
    public string? Select { get; init; }
    public string? Device { get; init; }
    /// <summary>Every particle's latent means, already computed by shards (<see cref="ShardedLatents"/>); null: encode here.</summary>
    public float[]? ParticleLatents { get; init; }
    /// <summary>With <see cref="ParticleLatents"/>: their posterior standard deviations (same layout), or null.</summary>
    public float[]? ParticleLatentSds { get; init; }
}

/// <summary>What <c>cryosphere analyze</c> produced.</summary>
public sealed record AnalysisResult(
    string OutDir, int Particles, int LatentDim, double[] ExplainedVarianceRatio, int Segments,
    int? Selected, string? SelectedFile, IReadOnlyList<string> Notes, double[] TraversalRmsd, double? LatentNats,
    double[]? PcDetermination);
