namespace CryoSphere.Workflows;

/// <summary>Settings of `cryosphere demo`: the full demo, or the quick one that CI runs.</summary>
public sealed record DemoOptions
{
    public required string OutDir { get; init; }
    public bool Quick { get; init; }
    public string Device { get; init; } = "auto";
    public int Threads { get; init; }
    public int Seed { get; init; } = 1;

    public int Images => Quick ? 1500 : 3000;
    public int Npix => 64;
    public double Apix => 2.0;
    /// <summary>The quick demo's fixed budget; null = the default budget (until the correlation plateaus).</summary>
    public int? Epochs => Quick ? 30 : null;
    /// <summary>|r|(latent PC, hinge angle) the run must reach to pass.</summary>
    public double MinAbsR => Quick ? 0.6 : 0.8;
    /// <summary>Fraction of residues whose segment's majority label (moving/fixed) is right.</summary>
    public double MinSegmentationAccuracy => Quick ? 0.88 : 0.9;
}
