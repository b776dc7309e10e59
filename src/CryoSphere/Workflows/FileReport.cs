using System.Globalization;
using CryoSphere.Data;
using CryoSphere.IO;
using CryoSphere.Training;

namespace CryoSphere.Workflows;

/// <summary>
/// What a file holds, validated (<c>cryosphere info</c>): the format is chosen by extension, the file is read with
/// the same readers training uses (so what passes here opens there), and a few lines of description go to the
/// writer the caller gives. Particle tables are described even when their stacks are elsewhere, saying so.
/// </summary>
public static class FileReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the description of <paramref name="path"/> to <paramref name="o"/>; image paths of a STAR/.cs
    /// file are resolved against <paramref name="datadir"/> when given.</summary>
    public static void Describe(TextWriter o, string path, string? datadir)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        if (new FileInfo(path).Length == 0) throw new InputException(path, "file is empty");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".star":
            case ".cs":
                Particles(o, path, datadir);
                break;
            case ".mrc":
            case ".mrcs":
            case ".map":
                Map(o, path);
                break;
            case ".txt":
                using (var list = StackList.Open(path))
                    o.WriteLine($"{path}: stack list, {list.Count} images of {list.Width}×{list.Height} px");
                break;
            case ".pkl":
                Pickle(o, path);
                break;
            case ".pdb":
            case ".ent":
            case ".cif":
            case ".mmcif":
                StructureInfo(o, path);
                break;
            case ".npy":
                var a = Npy.Read(path);
                o.WriteLine($"{path}: NumPy array {a.DType}, shape ({string.Join(", ", a.Shape)})");
                break;
            case ".yaml":
            case ".yml":
                var ignored = new List<string>();
                var opts = TrainConfigReader.Read(path, ignored);
                o.WriteLine($"{path}: training configuration '{opts.Name}'");
                o.WriteLine($"  structure: {opts.BaseStructurePath ?? "(not set)"}");
                o.WriteLine($"  particles: {opts.ParticlesPath ?? "(not set)"}");
                o.WriteLine($"  epochs {opts.Epochs}, batch {opts.BatchSize}, latent {opts.LatentDimension}, segments {string.Join("+", opts.Segmentation.Select(s => s.Segments))}");
                if (ignored.Count > 0) o.WriteLine($"  ignored keys (no meaning here): {string.Join(", ", ignored)}");
                break;
            default:
                throw new InputException(path, $"unknown file type '{ext}'");
        }
    }

    private static void Particles(TextWriter o, string path, string? datadir)
    {
        using var ds = ParticleDataset.Open(path, new ParticleOpenOptions { DataDir = datadir, ValidateImages = true, AllowMissingStacks = true });
        var t = ds.Table;
        string box = ds.BoxSize > 0 ? $"{ds.BoxSize} px images" : "image size unknown";
        o.WriteLine($"{path}: {t.Format}, {t.Count} particles in {ds.StackPaths.Count} stack(s), {box}");
        foreach (var g in t.Optics)
            o.WriteLine($"  optics group {g.Number} ({g.Name}): {g.PixelSize.ToString("0.####", Inv)} Å/px, {(g.ImageSize?.ToString(Inv) ?? "?")} px, {g.VoltageKv.ToString("G6", Inv)} kV, Cs {g.SphericalAberrationMm.ToString("G6", Inv)} mm, amplitude contrast {g.AmplitudeContrast.ToString("G6", Inv)}");
        o.WriteLine($"  poses: {(t.Rotations is null ? "none" : "yes")}; CTF: {(t.Ctf is null ? "none" : "yes")}");
        if (t.Ctf is { } c)
        {
            o.WriteLine($"  defocus U {Range(c.Select(x => x.DefocusU))} Å, V {Range(c.Select(x => x.DefocusV))} Å, angle {Range(c.Select(x => x.DefocusAngleDeg))}°");
            if (c.Any(x => x.PhaseShiftDeg != 0)) o.WriteLine($"  phase shift {Range(c.Select(x => x.PhaseShiftDeg))}°");
        }
        if (t.ShiftsA is { } s)
            o.WriteLine($"  shifts x {Range(Enumerable.Range(0, t.Count).Select(i => (double)s[2 * i]))} Å, y {Range(Enumerable.Range(0, t.Count).Select(i => (double)s[2 * i + 1]))} Å");
        o.WriteLine($"  columns: {string.Join(" ", t.Columns)}");
        foreach (var w in t.Warnings) o.WriteLine($"  warning: {w}");
        if (ds.MissingStacks.Count > 0)
        {
            // Metadata alone is worth describing (stacks often live on another machine); say what was not checked.
            o.WriteLine($"  stacks missing: {ds.MissingStacks.Count} of {ds.StackPaths.Count} not found (e.g. {ds.MissingStacks[0]}; use --datadir); their images and indices were not checked");
            o.WriteLine("  metadata valid; images not validated");
        }
        else o.WriteLine("  valid: every referenced stack exists and every index is in range");
    }

    private static string Range(IEnumerable<double> xs)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var x in xs) { lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
        return $"{lo.ToString("0.##", Inv)} – {hi.ToString("0.##", Inv)}";
    }

    private static void Map(TextWriter o, string path)
    {
        using var st = MrcStack.Open(path);
        var h = st.Header;
        string kind = h.Ispg == 0 && !path.EndsWith(".mrc", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".mrcs", StringComparison.OrdinalIgnoreCase) ? "image stack" : "map";
        o.WriteLine($"{path}: MRC {kind}, {h.Nx}×{h.Ny}×{h.Nz}, mode {h.Mode} ({h.DataMode}), voxel {h.VoxelSize.ToString("0.####", Inv)} Å");
        o.WriteLine($"  origin ({h.OriginX.ToString(Inv)}, {h.OriginY.ToString(Inv)}, {h.OriginZ.ToString(Inv)}) Å, ispg {h.Ispg}, min/max/mean {h.DMin.ToString("G5", Inv)}/{h.DMax.ToString("G5", Inv)}/{h.DMean.ToString("G5", Inv)}, rms {h.Rms.ToString("G5", Inv)}");
        o.WriteLine($"  {(h.HasMapId ? "MRC2014 header" : "old-style header (no MAP id)")}, {(h.IsBigEndian ? "big" : "little")}-endian, extended header {h.Nsymbt} bytes");
    }

    private static void Pickle(TextWriter o, string path)
    {
        // Decide by structure, so a pose pickle with a wrong shape is reported as a bad pose file, not "not a CTF pickle".
        if (CryoDrgnPickle.LooksLikePoses(path))
        {
            var (rot, trans, n) = CryoDrgnPickle.ReadPoses(path);
            o.WriteLine($"{path}: cryoDRGN poses, {n} rotations and translations (box fractions)");
            return;
        }
        var (rows, m) = CryoDrgnPickle.ReadCtf(path);
        if (m == 0) throw new InputException(path, "the CTF table has no rows");
        // The pickles store float32: print at float precision so 1.035 does not read as 1.0349999666.
        string G(double v) => ((float)v).ToString(Inv);
        o.WriteLine($"{path}: cryoDRGN CTF table, {m} rows; box {G(rows[0])} px, {G(rows[1])} Å/px, {G(rows[5])} kV, Cs {G(rows[6])} mm, amplitude contrast {G(rows[7])}");
        o.WriteLine($"  defocus U {Range(Enumerable.Range(0, m).Select(i => rows[9 * i + 2]))} Å, V {Range(Enumerable.Range(0, m).Select(i => rows[9 * i + 3]))} Å");
    }

    private static void StructureInfo(TextWriter o, string path)
    {
        var model = StructureReader.Read(path);
        var s = Structure.FromAtomicModel(model);
        o.WriteLine($"{path}: {model.Chains.Count} chain(s), {model.AtomCount} atoms; {s.ResidueNames.Length} polymer residues modelled");
        foreach (var g in s.ChainIds.Select((c, i) => (c, i)).GroupBy(x => x.c))
        {
            var idx = g.Select(x => x.i).ToArray();
            o.WriteLine($"  chain {g.Key}: {idx.Length} residues ({s.ResidueNumbers[idx[0]]}–{s.ResidueNumbers[idx[^1]]})");
        }
        int het = model.Residues.Count(r => r.IsHetero);
        if (het > 0) o.WriteLine($"  {het} HETATM residues (ligands, ions, waters) not modelled");
        foreach (var w in s.Warnings) o.WriteLine($"  warning: {w}");
    }
}
