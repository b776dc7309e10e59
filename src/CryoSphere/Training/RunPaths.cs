namespace CryoSphere.Training;

/// <summary>
/// Input paths as a run folder's config.yaml stores them: relative to the run folder when the file lies
/// inside it (so a copied or moved run keeps working), absolute otherwise (so resuming from another working
/// directory works). <see cref="TrainConfigReader"/> resolves relative paths against the config's folder,
/// which is the run folder, so both kinds read back.
/// </summary>
public static class RunPaths
{
    public static TrainOptions Portable(TrainOptions o, string runRoot) => o with
    {
        BaseStructurePath = Portable(o.BaseStructurePath, runRoot),
        ParticlesPath = Portable(o.ParticlesPath, runRoot),
        DataDir = Portable(o.DataDir, runRoot),
        ResumeModel = Portable(o.ResumeModel, runRoot),
        ResumeSegmentation = Portable(o.ResumeSegmentation, runRoot),
    };

    /// <summary>Absolute paths, resolved against the current directory (how the user typed them).</summary>
    public static TrainOptions Absolute(TrainOptions o) => o with
    {
        BaseStructurePath = Full(o.BaseStructurePath),
        ParticlesPath = Full(o.ParticlesPath),
        DataDir = Full(o.DataDir),
        ResumeModel = Full(o.ResumeModel),
        ResumeSegmentation = Full(o.ResumeSegmentation),
    };

    private static string? Full(string? p) => p is null ? null : Path.GetFullPath(p);

    public static string? Portable(string? path, string runRoot)
    {
        if (path is null) return null;
        string full = Path.GetFullPath(path);
        string root = Path.GetFullPath(runRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(root, StringComparison.Ordinal) ? Path.GetRelativePath(root, full) : full;
    }
}
