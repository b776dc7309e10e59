namespace CryoSphere.Data;

/// <summary>
/// Per-particle metadata in our internal convention, gathered from a STAR file, a cryoSPARC .cs
/// file or a stack + cryoDRGN pickles. Compact arrays (no object per particle) so that millions of
/// particles cost tens of bytes each.
/// </summary>
public sealed class ParticleTable
{
    /// <summary>The metadata file (or stack) this came from, for messages.</summary>
    public required string SourcePath { get; init; }
    /// <summary>What kind of file it was: "RELION 3.1+ STAR", "cryoSPARC .cs", …</summary>
    public required string Format { get; init; }
    public required int Count { get; init; }
    /// <summary>The image reference as the file writes it (e.g. <c>000001@Extract/x.mrcs</c>).</summary>
    public required string[] ImageNames { get; init; }
    /// <summary>Stack file paths as written in the metadata (index = stack id).</summary>
    public required string[] StackRefs { get; init; }
    public required int[] StackId { get; init; }
    /// <summary>0-based image index inside its stack.</summary>
    public required int[] StackIndex { get; init; }
    /// <summary>Row-major rotation matrices, 9 per particle (Y = R·X), or null when the file has no poses.</summary>
    public float[]? Rotations { get; init; }
    /// <summary>Shifts in Å, 2 per particle, RELION's sign (particle centre at −shift), or null.</summary>
    public float[]? ShiftsA { get; init; }
    public CtfParameters[]? Ctf { get; init; }
    /// <summary>RELION's half-set of each particle (1 or 2, `rlnRandomSubset`), or null when the file has none.</summary>
    public int[]? RandomSubset { get; init; }
    /// <summary>Index into <see cref="Optics"/> per particle.</summary>
    public required int[] OpticsIndex { get; init; }
    public required IReadOnlyList<OpticsGroup> Optics { get; init; }
    /// <summary>Column or field names present, for `info`.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];
    /// <summary>1-based source line (STAR) or record number per particle, for naming an offending row.</summary>
    public int[]? RowLines { get; init; }
    public List<string> Warnings { get; } = [];

    /// <summary>How to name particle <paramref name="i"/> in a message.</summary>
    public string RowLabel(int i) =>
        RowLines is { } l ? $"particle {i + 1} (line {l[i]})" : $"particle {i + 1}";

    /// <summary>Pose of particle <paramref name="i"/> (identity when the file has none).</summary>
    public Pose PoseOf(int i)
    {
        if (Rotations is null) return Pose.Identity;
        var r = new double[9];
        for (int k = 0; k < 9; k++) r[k] = Rotations[9 * i + k];
        return new Pose(r, ShiftsA?[2 * i] ?? 0, ShiftsA?[2 * i + 1] ?? 0);
    }
}
