namespace CryoSphere.Training;

/// <summary>
/// How a YAML writer spells values: this tool's config.yaml (every key, unset ones empty, numbers round-trip "R",
/// true/false), or the reference tool's parameters.yaml (PyYAML-safe floats, Python's True/False, unset keys left
/// out, since the reference would read an empty value as None).
/// </summary>
internal sealed record YamlSpelling(Func<double?, string> Number, Func<bool, string> Boolean, bool AllKeys)
{
    /// <summary>config.yaml of a run folder (<see cref="TrainConfigWriter"/>).</summary>
    public static YamlSpelling Config { get; } = new(TrainConfigWriter.N, b => b ? "true" : "false", AllKeys: true);

    /// <summary>The reference tool's spelling (simulate's parameters.yaml).</summary>
    public static YamlSpelling Reference { get; } = new(PyYamlFloat, b => b ? "True" : "False", AllKeys: false);

    /// <summary>
    /// A float both YAML readers take as a float: PyYAML (YAML 1.1) reads "1E-05" as a string, so exponents are
    /// written as "1.0e-05" (mantissa with a point, signed exponent).
    /// </summary>
    public static string PyYamlFloat(double? v)
    {
        if (v is not { } x) return "";
        string s = x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        int e = s.IndexOfAny(['E', 'e']);
        if (e < 0) return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
        string mant = s[..e], exp = s[(e + 1)..];
        if (!mant.Contains('.', StringComparison.Ordinal)) mant += ".0";
        if (exp[0] is not ('+' or '-')) exp = "+" + exp;
        return $"{mant}e{exp}";
    }
}
