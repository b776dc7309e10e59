using CryoSphere.Geometry;
using CryoSphere.IO;

namespace CryoSphere.Data;

/// <summary>Particle metadata from a cryoSPARC .cs file (blob/*, alignments3D/* or alignments_class_0/*, ctf/*).</summary>
public static class CryoSparcParticles
{
    public static ParticleTable Read(string path, ParticleOpenOptions o)
    {
        var cs = CryoSparcCs.Read(path);
        int n = cs.Count;
        if (n == 0) throw new InputException(path, "has no particle records");
        foreach (var f in new[] { "blob/path", "blob/idx" })
            if (!cs.Has(f)) throw new InputException(path, $"has no {f} field: cannot find the particle images");

        string[] paths = cs.GetStrings("blob/path");
        long[] idx = cs.GetInts("blob/idx");
        var stackRefs = new List<string>();
        var refToId = new Dictionary<string, int>(StringComparer.Ordinal);
        var stackId = new int[n];
        var stackIndex = new int[n];
        var names = new string[n];
        for (int i = 0; i < n; i++)
        {
            string p = paths[i];
            if (!refToId.TryGetValue(p, out int id)) { id = stackRefs.Count; refToId[p] = id; stackRefs.Add(p); }
            stackId[i] = id;
            if (idx[i] < 0 || idx[i] > int.MaxValue) throw new InputException(path, $"record {i + 1}: blob/idx {idx[i]} is out of range");
            stackIndex[i] = (int)idx[i];
            names[i] = $"{idx[i] + 1:D6}@{p}";
        }

        double apix = o.PixelSize ?? (cs.Has("blob/psize_A") ? cs.GetPositive("blob/psize_A")[0]
            : throw new InputException(path, "has no blob/psize_A; give --apix"));
        int? box = cs.Has("blob/shape") ? (int)cs.GetInts("blob/shape")[0] : null;
        if (box is <= 0) throw new InputException(path, $"record 1: field blob/shape is {box}, must be positive");
        var defaults = new List<string>();

        string prefix = o.CsAbinit ? "alignments_class_0" : cs.Has("alignments3D/pose") ? "alignments3D" : "alignments_class_0";
        float[]? rot = null, shifts = null;
        if (cs.Has($"{prefix}/pose"))
        {
            if (cs.FieldWidth($"{prefix}/pose") != 3)
                throw new InputException(path, $"{prefix}/pose has {cs.FieldWidth($"{prefix}/pose")} numbers per particle, expected 3 (an axis-angle vector)");
            if (cs.Has($"{prefix}/shift") && cs.FieldWidth($"{prefix}/shift") != 2)
                throw new InputException(path, $"{prefix}/shift has {cs.FieldWidth($"{prefix}/shift")} numbers per particle, expected 2");
            double[] w = cs.GetFinite($"{prefix}/pose");
            if (!cs.Has($"{prefix}/shift")) defaults.Add($"no {prefix}/shift field: shifts taken as zero");
            double[] s = cs.Has($"{prefix}/shift") ? cs.GetFinite($"{prefix}/shift") : new double[2 * n];
            double scale = o.CsHetrefine ? 2.0 : 1.0;
            // Shifts are in pixels of the alignment job, which differ from blob/psize_A when the particles
            // were re-extracted at another size after refinement (--apix sets the images' pixel size only).
            double shiftApix = cs.Has($"{prefix}/psize_A") ? cs.GetPositive($"{prefix}/psize_A")[0] : apix;
            rot = new float[9 * n];
            shifts = new float[2 * n];
            for (int i = 0; i < n; i++)
            {
                double[] r = Rotations.FromCryoSparcRotationVector(w[3 * i], w[3 * i + 1], w[3 * i + 2]);
                for (int k = 0; k < 9; k++) rot[9 * i + k] = (float)r[k];
                shifts[2 * i] = (float)(s[2 * i] * scale * shiftApix);
                shifts[2 * i + 1] = (float)(s[2 * i + 1] * scale * shiftApix);
            }
        }
        else if (o.RequirePoses)
            throw new InputException(path, o.CsAbinit
                ? $"has no {prefix}/pose field (no ab-initio alignment in this job)"
                : "has no alignments3D/pose or alignments_class_0/pose field (no 3D alignment in this job; use a refinement's particles)");

        CtfParameters[]? ctf = null;
        double kv = 300, csmm = 2.7, w0 = 0.1;
        if (cs.Has("ctf/df1_A"))
        {
            double[] d1 = cs.GetFinite("ctf/df1_A");
            if (!cs.Has("ctf/df2_A")) defaults.Add("no ctf/df2_A field: defocus taken as non-astigmatic (df2 = df1)");
            double[] d2 = cs.Has("ctf/df2_A") ? cs.GetFinite("ctf/df2_A") : d1;
            double[] ang = Field(cs, "ctf/df_angle_rad", n, 0, null);
            double[] vk = Field(cs, "ctf/accel_kv", n, 300, defaults);
            foreach (var (v, i) in vk.Select((v, i) => (v, i)))
                if (!(v > 0)) throw new InputException(path, $"record {i + 1}: field ctf/accel_kv is {v}, must be positive");
            double[] c = Field(cs, "ctf/cs_mm", n, 2.7, defaults);
            double[] ac = Field(cs, "ctf/amp_contrast", n, 0.1, defaults);
            foreach (var (v, i) in ac.Select((v, i) => (v, i)))
                if (v is < 0 or > 1) throw new InputException(path, $"record {i + 1}: field ctf/amp_contrast is {v}, must be between 0 and 1");
            double[] ph = Field(cs, "ctf/phase_shift_rad", n, 0, null);
            double[] bf = Field(cs, "ctf/bfactor", n, 0, null);
            double[] sc = Field(cs, "ctf/scale", n, 1, null);
            ctf = new CtfParameters[n];
            for (int i = 0; i < n; i++)
                ctf[i] = new CtfParameters(d1[i], d2[i], ang[i] * 180 / Math.PI, vk[i], c[i], ac[i], ph[i] * 180 / Math.PI, bf[i], sc[i]);
            kv = vk[0]; csmm = c[0]; w0 = ac[0];
        }
        else if (o.RequireCtf)
            throw new InputException(path, "has no ctf/df1_A field; use --no-ctf or give a CTF");

        var records = new int[n];
        for (int i = 0; i < n; i++) records[i] = i + 1;
        var table = new ParticleTable
        {
            SourcePath = path,
            Format = "cryoSPARC .cs",
            Count = n,
            ImageNames = names,
            StackRefs = stackRefs.ToArray(),
            StackId = stackId,
            StackIndex = stackIndex,
            Rotations = rot,
            ShiftsA = shifts,
            Ctf = ctf,
            OpticsIndex = new int[n],
            Optics = [new OpticsGroup(1, "cs", apix, box, kv, csmm, w0)],
            Columns = cs.Fields.ToArray(),
            RowLines = null,
        };
        table.Warnings.AddRange(defaults);
        return table;
    }

    /// <summary>A finite field, or <paramref name="fallback"/> for every record (reported in <paramref name="defaults"/> when the value matters).</summary>
    private static double[] Field(CryoSparcCs cs, string f, int n, double fallback, List<string>? defaults)
    {
        if (cs.Has(f)) return cs.GetFinite(f);
        defaults?.Add($"no {f} field: assuming {fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        var a = new double[n];
        Array.Fill(a, fallback);
        return a;
    }
}
