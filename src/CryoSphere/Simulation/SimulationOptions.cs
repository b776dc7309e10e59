namespace CryoSphere.Simulation;

/// <summary>Everything that defines a simulated dataset; written to simulation.json so its truth can be rebuilt.</summary>
public sealed record SimulationOptions
{
    public string StructurePath { get; init; } = "";
    public string[]? Chains { get; init; }
    /// <summary>"hinge", "interpolate" or "trajectory".</summary>
    public string Motion { get; init; } = "hinge";
    /// <summary>Hinge: residue selections that rotate together, e.g. "A:122-159".</summary>
    public string[] Selections { get; init; } = [];
    /// <summary>
    /// Independent hinges, each "SELECTION;AXIS;LO,HI" (e.g. "A:122-159;A:118,A:167;-45,45") with its own angle;
    /// two or more make a truth with one coordinate per hinge (angle_deg_1, angle_deg_2, …). Used instead of
    /// <see cref="Selections"/>/<see cref="Axis"/>.
    /// </summary>
    public string[]? Hinges { get; init; }
    /// <summary>Hinge axis through two residues' Cα, "A:118,A:167"; null = the selection's principal axis through its centroid.</summary>
    public string? Axis { get; init; }
    /// <summary>Range of the motion coordinate drawn uniformly per image (degrees for hinge; t for interpolate).</summary>
    public double[] Range { get; init; } = [0, 30];
    /// <summary>Discrete states instead of a range (hinge angles, t values, or trajectory frames).</summary>
    public double[]? States { get; init; }
    public string? StructureEnd { get; init; }
    public string? Trajectory { get; init; }
    /// <summary>Trajectory frame weights (null = uniform).</summary>
    public double[]? FrameWeights { get; init; }
    public int NImages { get; init; } = 1000;
    public int Npix { get; init; } = 64;
    public double Apix { get; init; } = 2.0;
    /// <summary>Signal-to-noise ratio; null = no noise.</summary>
    public double? Snr { get; init; } = 0.1;
    /// <summary>
    /// What the SNR's signal variance is measured over: "particle" (inside the particle's disc) or "image" (the
    /// whole clean, CTF-corrupted image, as cryoDRGN-style generators do; gives less noise for the same number).
    /// </summary>
    public string SnrConvention { get; init; } = "particle";
    public double Sigma { get; init; } = 2.0;
    public bool Ctf { get; init; } = true;
    public double DefocusMin { get; init; } = 10000;
    public double DefocusMax { get; init; } = 25000;
    /// <summary>Largest |dfU − dfV|, Å.</summary>
    public double Astigmatism { get; init; }
    public double VoltageKv { get; init; } = 300;
    public double CsMm { get; init; } = 2.7;
    public double AmplitudeContrast { get; init; } = 0.1;
    /// <summary>Take poses (rotations and shifts) from this STAR/.cs file instead of drawing them.</summary>
    public string? PosesFrom { get; init; }
    /// <summary>Largest in-plane shift per axis, Å (uniform in ±max).</summary>
    public double ShiftMax { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>"none", "states" (one PDB per discrete state) or "all" (one multi-model PDB, a model per image).</summary>
    public string TruthStructures { get; init; } = "none";
    public int ChunkSize { get; init; } = 256;
    /// <summary>Output folder.</summary>
    public string? OutDirValue { get; init; }

    /// <summary>The output folder, or an error when none was given.</summary>
    public string OutDir() => OutDirValue ?? throw new InputException("no output folder: give --out");
}
