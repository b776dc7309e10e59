using System.Globalization;
using System.Text.RegularExpressions;

namespace CryoSphere.Analysis;

/// <summary>One condition of a particle filter: PC or latent coordinate <see cref="Index"/> (0-based) above or below a value.</summary>
public sealed record FilterTerm(bool OnPc, int Index, bool Greater, double Value);

/// <summary>
/// A particle filter such as <c>pc1&gt;0.5 &amp; z2&lt;-1</c>: conditions on PC coordinates (pcK) or latent
/// coordinates (zK), 1-based, joined with <c>&amp;</c>.
/// </summary>
public sealed partial class ParticleFilter
{
    public IReadOnlyList<FilterTerm> Terms { get; }

    private ParticleFilter(IReadOnlyList<FilterTerm> terms) => Terms = terms;

    /// <summary>Parses <paramref name="expression"/>; <paramref name="latentDim"/> bounds the coordinate numbers.</summary>
    public static ParticleFilter Parse(string expression, int latentDim)
    {
        var terms = new List<FilterTerm>();
        foreach (var part in expression.Split('&', StringSplitOptions.TrimEntries))
        {
            var m = TermPattern().Match(part);
            if (!m.Success)
                throw new InputException($"--select '{expression}': cannot read '{part}' (expected e.g. pc1>0.5 or z2<-1, joined with &)");
            int k = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (k < 1 || k > latentDim)
                throw new InputException($"--select '{expression}': {m.Groups[1].Value}{k} is out of range (1…{latentDim})");
            if (!double.TryParse(m.Groups[4].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw new InputException($"--select '{expression}': '{m.Groups[4].Value}' is not a number");
            terms.Add(new FilterTerm(m.Groups[1].Value.Equals("pc", StringComparison.OrdinalIgnoreCase), k - 1, m.Groups[3].Value == ">", v));
        }
        return new ParticleFilter(terms);
    }

    /// <summary>Indices of the particles meeting every condition, given latents z (n × L) and PC coordinates (n × L).</summary>
    public int[] Select(float[] z, double[] pcs, int n, int latentDim)
    {
        var r = new List<int>();
        for (int i = 0; i < n; i++)
        {
            bool ok = true;
            foreach (var t in Terms)
            {
                double x = t.OnPc ? pcs[i * latentDim + t.Index] : z[i * latentDim + t.Index];
                if (t.Greater ? !(x > t.Value) : !(x < t.Value)) { ok = false; break; }
            }
            if (ok) r.Add(i);
        }
        return r.ToArray();
    }

    [GeneratedRegex(@"^(pc|z)(\d+)\s*([<>])\s*([-+0-9.eE]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex TermPattern();
}
