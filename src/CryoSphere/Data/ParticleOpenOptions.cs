namespace CryoSphere.Data;

/// <summary>How to open a particle dataset: where images live and which optional sources to use.</summary>
public sealed record ParticleOpenOptions
{
    /// <summary>Folder that image paths are relative to (default: the metadata file's folder).</summary>
    public string? DataDir { get; init; }
    /// <summary>cryoDRGN pose pickle, for a dataset given as a bare stack (or to override poses).</summary>
    public string? PosesPath { get; init; }
    /// <summary>cryoDRGN CTF pickle, for a dataset given as a bare stack (or to override CTF).</summary>
    public string? CtfPath { get; init; }
    /// <summary>Pixel size override (Å).</summary>
    public double? PixelSize { get; init; }
    /// <summary>cryoSPARC: read poses from alignments_class_0 (ab-initio jobs).</summary>
    public bool CsAbinit { get; init; }
    /// <summary>cryoSPARC: heterogeneous-refinement shifts are stored at half scale; double them.</summary>
    public bool CsHetrefine { get; init; }
    /// <summary>Fail when the metadata has no poses.</summary>
    public bool RequirePoses { get; init; }
    /// <summary>Fail when the metadata has no CTF.</summary>
    public bool RequireCtf { get; init; }
    /// <summary>Check that every referenced stack exists and every index is in range (opens the stacks).</summary>
    public bool ValidateImages { get; init; } = true;
    /// <summary>
    /// With <see cref="ValidateImages"/>: a stack that cannot be found is listed in
    /// <see cref="ParticleDataset.MissingStacks"/> instead of failing (for `info` on metadata whose
    /// stacks are elsewhere); stacks that do exist are still opened and checked.
    /// </summary>
    public bool AllowMissingStacks { get; init; }
}
