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

        CtfParameters[]? ctf = cs.ReadCtf(defaults);
        if (ctf is null && o.RequireCtf)
            throw new InputException(path, "has no ctf/df1_A field; use --no-ctf or give a CTF");
        // The optics group's values: the first particle's, or the usual ones without a CTF.
        double kv = ctf is null ? 300 : ctf[0].VoltageKv, csmm = ctf is null ? 2.7 : ctf[0].SphericalAberrationMm,
            w0 = ctf is null ? 0.1 : ctf[0].AmplitudeContrast;

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
}
