using CryoSphere.IO;

namespace CryoSphere.Data;

/// <summary>
/// One table per particle (image location, pose, CTF, optics) plus lazy, memory-mapped access to
/// the images. Opened from a STAR file, a cryoSPARC .cs file, or a stack (.mrcs/.txt) with cryoDRGN
/// pickles; validated on open (stacks exist, indices in range, one box size).
/// </summary>
public sealed class ParticleDataset : IDisposable
{
    private readonly IImageSource?[] _stacks;
    private readonly string[] _stackPaths;

    public ParticleTable Table { get; }
    public int Count => Table.Count;
    /// <summary>Side of the stored images in pixels (from the stacks when opened, else the metadata).</summary>
    public int BoxSize { get; }
    /// <summary>Pixel size of the stored images, Å (first optics group; all groups must agree to train).</summary>
    public double PixelSize => Table.Optics[0].PixelSize;
    /// <summary>Resolved stack paths (index = stack id).</summary>
    public IReadOnlyList<string> StackPaths => _stackPaths;

    /// <summary>Stack references that were not found (only with <see cref="ParticleOpenOptions.AllowMissingStacks"/>).</summary>
    public IReadOnlyList<string> MissingStacks { get; private init; } = [];

    private ParticleDataset(ParticleTable table, string[] stackPaths, IImageSource?[] stacks, int box)
    {
        Table = table;
        _stackPaths = stackPaths;
        _stacks = stacks;
        BoxSize = box;
    }

    /// <summary>Opens <paramref name="path"/> (.star, .cs, or .mrcs/.mrc/.txt with pickles).</summary>
    public static ParticleDataset Open(string path, ParticleOpenOptions? options = null)
    {
        var o = options ?? new ParticleOpenOptions();
        if (o.PixelSize is { } px && !(px > 0 && double.IsFinite(px)))
            throw new InputException($"pixel size (--apix / apix) must be a positive number, got {px}");
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        if (new FileInfo(path).Length == 0) throw new InputException(path, "file is empty");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".star":
                return Attach(StarParticles.Read(path, o), path, o);
            case ".cs":
                return Attach(CryoSparcParticles.Read(path, o), path, o);
            case ".mrcs":
            case ".mrc":
            case ".txt":
            {
                IImageSource src = ext == ".txt" ? StackList.Open(path) : MrcStack.Open(path);
                try
                {
                    var table = PickleParticles.Read(path, src, o);
                    return new ParticleDataset(table, [Path.GetFullPath(path)], [src], src.Width);
                }
                catch
                {
                    src.Dispose();
                    throw;
                }
            }
            default:
                throw new InputException(path, $"unknown particle file type '{ext}' (expected .star, .cs, .mrcs, .mrc or .txt)");
        }
    }

    private static ParticleDataset Attach(ParticleTable t, string metaPath, ParticleOpenOptions o)
    {
        string metaDir = Path.GetDirectoryName(Path.GetFullPath(metaPath)) ?? ".";
        var resolved = new string[t.StackRefs.Length];
        var stacks = new IImageSource?[t.StackRefs.Length];
        int box = t.Optics.FirstOrDefault(g => g.ImageSize is not null)?.ImageSize ?? 0;
        if (!o.ValidateImages)
        {
            for (int s = 0; s < resolved.Length; s++) resolved[s] = Resolve(t.StackRefs[s], metaDir, o.DataDir) ?? t.StackRefs[s];
            return new ParticleDataset(t, resolved, stacks, box);
        }

        try
        {
            var missing = new List<string>();
            var firstUse = new int[resolved.Length];
            Array.Fill(firstUse, -1);
            for (int i = 0; i < t.Count; i++) if (firstUse[t.StackId[i]] < 0) firstUse[t.StackId[i]] = i;
            int? stackBox = null;
            for (int s = 0; s < resolved.Length; s++)
            {
                string? p = Resolve(t.StackRefs[s], metaDir, o.DataDir);
                if (p is null && o.AllowMissingStacks)
                {
                    missing.Add(t.StackRefs[s]);
                    resolved[s] = t.StackRefs[s];
                    continue;
                }
                if (p is null)
                {
                    string where = o.DataDir is null ? metaDir : $"{o.DataDir} or {metaDir}";
                    throw new InputException(metaPath, $"{t.RowLabel(firstUse[s])}: image stack '{t.StackRefs[s]}' not found (looked in {where}; use --datadir)", t.RowLines?[firstUse[s]]);
                }
                resolved[s] = p;
                stacks[s] = Path.GetExtension(p).Equals(".txt", StringComparison.OrdinalIgnoreCase) ? StackList.Open(p) : MrcStack.Open(p);
                var st = stacks[s]!;
                if (st.Width != st.Height) throw new InputException(p, $"images are {st.Width}×{st.Height}; only square images are supported");
                if (stackBox is null) stackBox = st.Width;
                else if (stackBox != st.Width)
                    throw new InputException(p, $"images are {st.Width} px but {resolved[0]} has {stackBox} px; all stacks must have one box size");
            }
            for (int i = 0; i < t.Count; i++)
            {
                if (stacks[t.StackId[i]] is not { } st) continue;
                if (t.StackIndex[i] >= st.Count)
                    throw new InputException(metaPath, $"{t.RowLabel(i)}: {ImageColumn(t)} image {t.StackIndex[i] + 1} is beyond the end of {resolved[t.StackId[i]]} ({st.Count} images)", t.RowLines?[i]);
            }
            if (stackBox is { } sb)
            {
                foreach (var g in t.Optics)
                    if (g.ImageSize is { } gs && gs != sb)
                        t.Warnings.Add($"optics group {g.Number} says {gs} px but the stacks hold {sb} px images; using {sb} px (check the pixel size {g.PixelSize} Å)");
                box = sb;
            }
            return new ParticleDataset(t, resolved, stacks, box) { MissingStacks = missing };
        }
        catch
        {
            foreach (var s in stacks) s?.Dispose();
            throw;
        }
    }

    /// <summary>The column or field that holds the image index, for naming it in a message.</summary>
    private static string ImageColumn(ParticleTable t) => t.Format.Contains("STAR", StringComparison.Ordinal) ? "_rlnImageName" : t.Format.StartsWith("cryoSPARC", StringComparison.Ordinal) ? "blob/idx" : "";

    private static string? Resolve(string reference, string metaDir, string? dataDir)
    {
        var candidates = new List<string>();
        if (Path.IsPathRooted(reference)) candidates.Add(reference);
        if (dataDir is not null)
        {
            candidates.Add(Path.Combine(dataDir, reference));
            candidates.Add(Path.Combine(dataDir, Path.GetFileName(reference)));
        }
        candidates.Add(Path.Combine(metaDir, reference));
        candidates.Add(Path.Combine(metaDir, Path.GetFileName(reference)));
        candidates.Add(Path.GetFullPath(reference));
        foreach (var c in candidates)
            if (File.Exists(c)) return Path.GetFullPath(c);
        return null;
    }

    /// <summary>True when the images were opened (validation on).</summary>
    public bool HasImages => _stacks.Length > 0 && _stacks.All(s => s is not null);

    /// <summary>Copies particle <paramref name="i"/>'s image into <paramref name="dst"/> (BoxSize² floats).</summary>
    public void ReadImage(int i, Span<float> dst)
    {
        var st = _stacks[Table.StackId[i]] ?? throw new InvalidOperationException("dataset was opened without images");
        st.ReadImage(Table.StackIndex[i], dst);
    }

    public void Dispose()
    {
        foreach (var s in _stacks) s?.Dispose();
    }
}
