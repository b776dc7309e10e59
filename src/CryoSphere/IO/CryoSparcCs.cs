namespace CryoSphere.IO;

/// <summary>
/// A cryoSPARC <c>.cs</c> particle table (a NumPy structured array): raw field access (finite and positive
/// checks) and the one cryoSPARC CTF reader. Image locations, pixel size and poses are read by
/// <c>Data.CryoSparcParticles</c>, the one place that turns a .cs file into particles.
/// </summary>
public sealed class CryoSparcCs
{
    private readonly NpyRecords _records;

    private CryoSparcCs(NpyRecords records) => _records = records;

    /// <summary>The file read.</summary>
    public string Path => _records.Path;

    /// <summary>Number of particles.</summary>
    public int Count => _records.Count;

    /// <summary>Field names in file order.</summary>
    public IReadOnlyList<string> Fields => _records.Fields.Select(f => f.Name).ToArray();

    /// <summary>Reads a <c>.cs</c> file.</summary>
    public static CryoSparcCs Read(string path) => new(Npy.ReadRecords(path));

    public bool Has(string field) => _records.Has(field);

    /// <summary>Numbers per record in <paramref name="field"/> (e.g. 3 for <c>alignments3D/pose</c>).</summary>
    public int FieldWidth(string field) => _records.Field(field).Width;

    /// <summary>Record-major values, Count × <see cref="FieldWidth"/>.</summary>
    public double[] GetDoubles(string field) => _records.GetDoubles(field);

    /// <summary>
    /// <see cref="GetDoubles"/>, refusing NaN and infinities with the record and field named, so that a
    /// damaged value stops the run at open time rather than turning into NaN pixels.
    /// </summary>
    public double[] GetFinite(string field)
    {
        double[] v = GetDoubles(field);
        int width = Math.Max(1, FieldWidth(field));
        for (int k = 0; k < v.Length; k++)
            if (!double.IsFinite(v[k]))
                throw new InputException(Path, $"record {k / width + 1}: field {field} is {v[k].ToString(System.Globalization.CultureInfo.InvariantCulture)}, not a finite number");
        return v;
    }

    /// <summary><see cref="GetFinite"/> for a field whose every value must be &gt; 0 (pixel sizes, voltage).</summary>
    public double[] GetPositive(string field)
    {
        double[] v = GetFinite(field);
        int width = Math.Max(1, FieldWidth(field));
        for (int k = 0; k < v.Length; k++)
            if (!(v[k] > 0))
                throw new InputException(Path, $"record {k / width + 1}: field {field} is {v[k].ToString(System.Globalization.CultureInfo.InvariantCulture)}, must be positive");
        return v;
    }

    /// <summary>Record-major integer values (uint64 uids above long.MaxValue wrap to negative).</summary>
    public long[] GetInts(string field) => _records.GetInt64s(field);

    /// <summary>Decoded text; for path fields (<c>…/path</c>) cryoSPARC's leading <c>&gt;</c> is stripped.</summary>
    public string[] GetStrings(string field)
    {
        var s = _records.GetStrings(field);
        if (field.EndsWith("/path", StringComparison.Ordinal))
            for (int i = 0; i < s.Length; i++)
                if (s[i].StartsWith('>')) s[i] = s[i][1..];
        return s;
    }

    /// <summary>
    /// CTF of every particle from <c>ctf/*</c>, converted to RELION units (degrees), or null when the file has no
    /// <c>ctf/df1_A</c>. Missing fields that matter (df2, voltage, Cs, amplitude contrast) take the usual values
    /// (df2 = df1, 300 kV, 2.7 mm, 0.1) with one line each in <paramref name="warnings"/>; missing angles, phase
    /// shift, B-factor and scale are 0, 0, 0 and 1 without a word. Every value must be finite; voltage positive,
    /// amplitude contrast in [0, 1].
    /// </summary>
    public CtfParameters[]? ReadCtf(ICollection<string> warnings)
    {
        if (!Has("ctf/df1_A")) return null;
        int n = Count;
        double[] d1 = GetFinite("ctf/df1_A");
        if (!Has("ctf/df2_A")) warnings.Add("no ctf/df2_A field: defocus taken as non-astigmatic (df2 = df1)");
        double[] d2 = Has("ctf/df2_A") ? GetFinite("ctf/df2_A") : d1;
        double[] ang = FieldOr("ctf/df_angle_rad", 0, null);
        double[] vk = FieldOr("ctf/accel_kv", 300, warnings);
        foreach (var (v, i) in vk.Select((v, i) => (v, i)))
            if (!(v > 0)) throw new InputException(Path, $"record {i + 1}: field ctf/accel_kv is {v}, must be positive");
        double[] c = FieldOr("ctf/cs_mm", 2.7, warnings);
        double[] ac = FieldOr("ctf/amp_contrast", 0.1, warnings);
        foreach (var (v, i) in ac.Select((v, i) => (v, i)))
            if (v is < 0 or > 1) throw new InputException(Path, $"record {i + 1}: field ctf/amp_contrast is {v}, must be between 0 and 1");
        double[] ph = FieldOr("ctf/phase_shift_rad", 0, null);
        double[] bf = FieldOr("ctf/bfactor", 0, null);
        double[] sc = FieldOr("ctf/scale", 1, null);
        var ctf = new CtfParameters[n];
        for (int i = 0; i < n; i++)
            ctf[i] = new CtfParameters(d1[i], d2[i], Angles.ToDegrees(ang[i]), vk[i], c[i], ac[i], Angles.ToDegrees(ph[i]), bf[i], sc[i]);
        return ctf;
    }

    /// <summary>A finite field, or <paramref name="fallback"/> for every record (reported in <paramref name="warnings"/> when the value matters).</summary>
    private double[] FieldOr(string f, double fallback, ICollection<string>? warnings)
    {
        if (Has(f)) return GetFinite(f);
        warnings?.Add($"no {f} field: assuming {fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        var a = new double[Count];
        Array.Fill(a, fallback);
        return a;
    }
}
