using System.Globalization;
using CryoSphere.Geometry;
using CryoSphere.IO;

namespace CryoSphere.Data;

/// <summary>
/// Particle metadata from a RELION STAR file: 3.0 (one table, optics per particle, pixel size maybe
/// from detector pixel/magnification) or 3.1+ (optics + particles blocks, in any order).
/// </summary>
public static class StarParticles
{
    public static ParticleTable Read(string path, ParticleOpenOptions o)
    {
        var star = StarFile.Read(path);
        var block = star.ParticlesBlock;
        var t = block.Loop ?? throw new InputException(path, $"block data_{block.Name} has no loop_ table of particles");
        if (!t.HasColumn("rlnImageName"))
            throw new InputException(path, $"missing column _rlnImageName in block data_{block.Name}: cannot find the particle images");
        int n = t.RowCount;
        if (n == 0) throw new InputException(path, "the particle table has no rows");

        var opticsBlock = star.Blocks.FirstOrDefault(b => b != block && b.Loop is { } l && l.HasColumn("rlnOpticsGroup") && (b.Name == "optics" || l.HasColumn("rlnImagePixelSize") || l.HasColumn("rlnVoltage")));
        var optics = new List<OpticsGroup>();
        var opticsIndex = new int[n];
        bool modern = opticsBlock is not null;
        var ctf = new CtfParameters[n];
        bool hasCtf = t.HasColumn("rlnDefocusU");
        var defaults = new SortedSet<string>(StringComparer.Ordinal);

        if (modern)
        {
            var ot = opticsBlock!.Loop!;
            var byNumber = new Dictionary<int, int>();
            for (int r = 0; r < ot.RowCount; r++)
            {
                int num = ot.GetInt(r, "rlnOpticsGroup");
                double apix = o.PixelSize ?? (ot.HasColumn("rlnImagePixelSize") ? StarValues.Positive(ot, r, "rlnImagePixelSize")
                    : ot.HasColumn("rlnPixelSize") ? StarValues.Positive(ot, r, "rlnPixelSize")
                    : throw new InputException(path, $"optics group {num} has no _rlnImagePixelSize (give --apix)"));
                int? size = ot.HasColumn("rlnImageSize") ? ot.GetInt(r, "rlnImageSize") : null;
                if (size is <= 0) throw new InputException(path, $"column _rlnImageSize: {size} must be positive (row {r + 1} of data_{ot.BlockName})", ot.LineOf(r));
                string name = ot.HasColumn("rlnOpticsGroupName") ? ot.GetString(r, "rlnOpticsGroupName") : $"opticsGroup{num}";
                byNumber[num] = optics.Count;
                optics.Add(new OpticsGroup(num, name, apix, size,
                    StarValues.Voltage(ot, r, defaults), StarValues.Cs(ot, r, defaults), StarValues.AmplitudeContrast(ot, r, defaults)));
            }
            bool perParticleGroup = t.HasColumn("rlnOpticsGroup");
            for (int i = 0; i < n; i++)
            {
                int g = perParticleGroup ? t.GetInt(i, "rlnOpticsGroup") : optics[0].Number;
                if (!byNumber.TryGetValue(g, out int gi))
                    throw new InputException(path, $"particle {i + 1} (line {t.LineOf(i)}) names optics group {g} (_rlnOpticsGroup), which data_{opticsBlock.Name} does not define", t.LineOf(i));
                opticsIndex[i] = gi;
            }
        }
        else
        {
            // RELION 3.0: optics values per particle; group identical settings.
            var keyToIndex = new Dictionary<(double, double, double, double), int>();
            bool noApix = o.PixelSize is null && !HasApix30(t);
            for (int i = 0; i < n; i++)
            {
                double apix = o.PixelSize ?? (noApix ? 1.0 : Apix30(t, i, path));
                var key = (apix, StarValues.Voltage(t, i, defaults), StarValues.Cs(t, i, defaults), StarValues.AmplitudeContrast(t, i, defaults));
                if (!keyToIndex.TryGetValue(key, out int gi))
                {
                    gi = optics.Count;
                    keyToIndex[key] = gi;
                    optics.Add(new OpticsGroup(gi + 1, $"group{gi + 1}", key.Item1, null, key.Item2, key.Item3, key.Item4));
                }
                opticsIndex[i] = gi;
            }
        }

        // Images.
        var names = new string[n];
        var stackId = new int[n];
        var stackIndex = new int[n];
        var stackRefs = new List<string>();
        var refToId = new Dictionary<string, int>(StringComparer.Ordinal);
        int col = t.ColumnIndex("rlnImageName");
        for (int i = 0; i < n; i++)
        {
            string s = t.GetString(i, col);
            names[i] = s;
            int at = s.IndexOf('@');
            if (at <= 0 || !int.TryParse(s.AsSpan(0, at), NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) || k < 1)
                throw new InputException(path, $"particle {i + 1}: _rlnImageName '{s}' is not of the form k@stack (k ≥ 1)", t.LineOf(i));
            string stack = s[(at + 1)..];
            if (!refToId.TryGetValue(stack, out int id)) { id = stackRefs.Count; refToId[stack] = id; stackRefs.Add(stack); }
            stackId[i] = id;
            stackIndex[i] = k - 1;
        }

        // Poses.
        float[]? rot = null, shifts = null;
        if (t.HasColumn("rlnAngleRot") && t.HasColumn("rlnAngleTilt") && t.HasColumn("rlnAnglePsi"))
        {
            rot = new float[9 * n];
            shifts = new float[2 * n];
            int cr = t.ColumnIndex("rlnAngleRot"), ct = t.ColumnIndex("rlnAngleTilt"), cp = t.ColumnIndex("rlnAnglePsi");
            bool angst = t.HasColumn("rlnOriginXAngst");
            bool pix = t.HasColumn("rlnOriginX");
            if (!angst && !pix) defaults.Add("no _rlnOriginXAngst/_rlnOriginYAngst (or _rlnOriginX/_rlnOriginY): shifts taken as zero");
            for (int i = 0; i < n; i++)
            {
                double[] r = Rotations.FromRelionEuler(t.GetDouble(i, cr), t.GetDouble(i, ct), t.GetDouble(i, cp));
                for (int k = 0; k < 9; k++) rot[9 * i + k] = (float)r[k];
                double apix = optics[opticsIndex[i]].PixelSize;
                if (angst)
                {
                    shifts[2 * i] = (float)t.GetDouble(i, "rlnOriginXAngst");
                    shifts[2 * i + 1] = (float)t.GetDouble(i, "rlnOriginYAngst");
                }
                else if (pix)
                {
                    shifts[2 * i] = (float)(t.GetDouble(i, "rlnOriginX") * apix);
                    shifts[2 * i + 1] = (float)(t.GetDouble(i, "rlnOriginY") * apix);
                }
            }
        }
        else if (o.RequirePoses)
            throw new InputException(path, "has no poses (_rlnAngleRot/_rlnAngleTilt/_rlnAnglePsi); run a 3D refinement first or give --poses");

        if (hasCtf)
        {
            int cu = t.ColumnIndex("rlnDefocusU");
            int cv = t.TryColumn("rlnDefocusV", out int v) ? v : cu;
            for (int i = 0; i < n; i++)
            {
                var g = optics[opticsIndex[i]];
                ctf[i] = new CtfParameters(
                    t.GetDouble(i, cu), t.GetDouble(i, cv), Opt(t, i, "rlnDefocusAngle", 0),
                    g.VoltageKv, g.SphericalAberrationMm, g.AmplitudeContrast,
                    Opt(t, i, "rlnPhaseShift", 0), Opt(t, i, "rlnCtfBfactor", 0), Opt(t, i, "rlnCtfScalefactor", 1));
            }
        }
        else if (o.RequireCtf)
            throw new InputException(path, "has no CTF (_rlnDefocusU); give --ctf or use --no-ctf");

        var lines = new int[n];
        for (int i = 0; i < n; i++) lines[i] = t.LineOf(i) ?? 0;
        int[]? subset = null;
        if (t.TryColumn("rlnRandomSubset", out int cs))
        {
            subset = new int[n];
            for (int i = 0; i < n; i++)
            {
                subset[i] = t.GetInt(i, cs);
                if (subset[i] is not (1 or 2)) throw new InputException(path, $"_rlnRandomSubset is {subset[i]}; half-sets are 1 or 2", lines[i]);
            }
        }
        var table = new ParticleTable
        {
            SourcePath = path,
            Format = modern ? "RELION 3.1+ STAR" : "RELION 3.0 STAR",
            Count = n,
            ImageNames = names,
            StackRefs = stackRefs.ToArray(),
            StackId = stackId,
            StackIndex = stackIndex,
            Rotations = rot,
            ShiftsA = shifts,
            Ctf = hasCtf ? ctf : null,
            RandomSubset = subset,
            OpticsIndex = opticsIndex,
            Optics = optics,
            Columns = t.Columns.ToArray(),
            RowLines = lines,
        };
        // cryoDRGN's toy STAR files carry no pixel size and mean 1 Å/px; stack headers are no better
        // (they often say 1 or 0), so assume 1 Å and say so rather than refuse the file.
        foreach (var d in defaults) table.Warnings.Add(d);
        if (!modern && o.PixelSize is null && !HasApix30(t))
            table.Warnings.Add("no pixel size in the file (_rlnImagePixelSize, or _rlnDetectorPixelSize with _rlnMagnification); assuming 1 Å/px: give --apix if that is wrong");
        return table;
    }

    private static bool HasApix30(StarTable t) =>
        t.HasColumn("rlnImagePixelSize") || t.HasColumn("rlnPixelSize") || (t.HasColumn("rlnDetectorPixelSize") && t.HasColumn("rlnMagnification"));

    private static double Apix30(StarTable t, int i, string path)
    {
        if (t.HasColumn("rlnImagePixelSize")) return StarValues.Positive(t, i, "rlnImagePixelSize");
        if (t.HasColumn("rlnPixelSize")) return StarValues.Positive(t, i, "rlnPixelSize");
        if (t.HasColumn("rlnDetectorPixelSize") && t.HasColumn("rlnMagnification"))
        {
            double mag = t.GetDouble(i, "rlnMagnification");
            if (mag <= 0) throw new InputException(path, $"particle {i + 1}: _rlnMagnification must be positive", t.LineOf(i));
            return StarValues.Positive(t, i, "rlnDetectorPixelSize") * 1e4 / mag;
        }
        throw new InputException(path, "no pixel size (_rlnImagePixelSize, or _rlnDetectorPixelSize with _rlnMagnification); give --apix");
    }

    private static double Opt(StarTable t, int row, string col, double fallback) =>
        t.TryColumn(col, out int c) ? t.GetDouble(row, c) : fallback;
}
