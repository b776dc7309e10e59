using CryoSphere.IO;

namespace CryoSphere.Data;

/// <summary>
/// Particle metadata for a bare stack (.mrcs or .txt list) with cryoDRGN pose and CTF pickles:
/// rotations as stored, translations × box = pixels (same sign as RELION's origin).
/// </summary>
public static class PickleParticles
{
    public static ParticleTable Read(string stackPath, IImageSource images, ParticleOpenOptions o)
    {
        int n = images.Count;
        int box = images.Width;
        float[]? rot = null, shifts = null;
        CtfParameters[]? ctf = null;
        double apix = o.PixelSize ?? 0;

        if (o.CtfPath is { } cp)
        {
            var (rows, m) = CryoDrgnPickle.ReadCtf(cp);
            if (m != n) throw new InputException(cp, $"has {m} CTF rows but {stackPath} has {n} images");
            ctf = new CtfParameters[n];
            for (int i = 0; i < n; i++) ctf[i] = CryoDrgnPickle.ToCtfParameters(rows.AsSpan(9 * i, 9));
            if (o.PixelSize is null) apix = rows[1];
        }
        var warnings = new List<string>();
        if (apix <= 0)
        {
            // The header's cell/size is often 1 or 0 in cryoDRGN-written stacks, so it is a guess either way: say so.
            bool header = images is MrcStack s && s.PixelSize > 0 && double.IsFinite(s.PixelSize);
            apix = header ? ((MrcStack)images).PixelSize : 1.0;
            warnings.Add($"no pixel size given (--apix or a CTF pickle): using {apix} Å/px from {(header ? "the stack header" : "the default")}");
        }
        if (o.PosesPath is { } pp)
        {
            var (r, tr, m) = CryoDrgnPickle.ReadPoses(pp);
            if (m != n) throw new InputException(pp, $"has {m} poses but {stackPath} has {n} images");
            rot = new float[9 * n];
            shifts = new float[2 * n];
            for (int i = 0; i < 9 * n; i++) rot[i] = (float)r[i];
            for (int i = 0; i < 2 * n; i++) shifts[i] = (float)(tr[i] * box * apix);
        }
        else if (o.RequirePoses)
            throw new InputException(stackPath, "a bare stack has no poses: give --poses POSES.pkl");
        if (ctf is null && o.RequireCtf)
            throw new InputException(stackPath, "a bare stack has no CTF: give --ctf CTF.pkl or use --no-ctf");

        var names = new string[n];
        var ids = new int[n];
        var idx = new int[n];
        string fileName = Path.GetFileName(stackPath);
        for (int i = 0; i < n; i++) { names[i] = $"{i + 1:D6}@{fileName}"; idx[i] = i; }
        var first = ctf is { Length: > 0 } ? ctf[0] : new CtfParameters(0, 0, 0, 300, 2.7, 0.1);
        var table = new ParticleTable
        {
            SourcePath = stackPath,
            Format = "image stack" + (o.PosesPath is null ? "" : " + cryoDRGN poses") + (o.CtfPath is null ? "" : " + cryoDRGN CTF"),
            Count = n,
            ImageNames = names,
            StackRefs = [stackPath],
            StackId = ids,
            StackIndex = idx,
            Rotations = rot,
            ShiftsA = shifts,
            Ctf = ctf,
            OpticsIndex = new int[n],
            Optics = [new OpticsGroup(1, "stack", apix, box, first.VoltageKv, first.SphericalAberrationMm, first.AmplitudeContrast)],
        };
        table.Warnings.AddRange(warnings);
        return table;
    }
}
