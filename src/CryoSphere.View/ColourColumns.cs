using System.Globalization;
using CryoSphere.IO;
using CryoSphere.Simulation;

namespace CryoSphere.View;

/// <summary>
/// What the latent scatter can be coloured by: k-means labels, the numeric columns of the particles file (STAR
/// columns, cryoSPARC fields) and, for a run on a simulation, the truth coordinates. Values are read when first asked.
/// </summary>
public sealed class ColourColumns
{
    /// <summary>One colouring: its name as the page shows it, whether it is categorical, and how to get the values.</summary>
    public sealed record Column(string Name, bool Categorical, Func<float[]> Read);

    private readonly Dictionary<string, Column> _columns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IEnumerable<Column> All => _columns.Values;

    /// <summary>The values of <paramref name="name"/> (one per latent; NaN where a row has no number), or null when unknown.</summary>
    public float[]? Values(string name)
    {
        if (!_columns.TryGetValue(name, out var c)) return null;
        lock (_gate)
        {
            if (!_cache.TryGetValue(name, out var v)) _cache[name] = v = c.Read();
            return v;
        }
    }

    private void Add(string name, bool categorical, Func<float[]> read) => _columns.TryAdd(name, new Column(name, categorical, read));

    internal static ColourColumns Build(ViewSession s, List<string> missing)
    {
        var c = new ColourColumns();
        if (s.KMeansLabels is { } labels) c.Add("k-means", true, () => labels.Select(x => (float)x).ToArray());
        if (!s.ParticlesLinked) return c;
        string source = s.Run.Setup.Data.Table.SourcePath;
        string ext = Path.GetExtension(source).ToLowerInvariant();
        if (ext == ".star") AddStar(c, source);
        else if (ext == ".cs") AddCs(c, source);
        // A run trained on `simulate` output: truth.csv sits beside particles.star.
        string truth = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".", "truth.csv");
        if (File.Exists(truth))
        {
            var t = TruthTable.Read(truth);
            if (t.Count != s.Count) missing.Add($"{truth} has {t.Count} rows for {s.Count} particles: no truth colouring");
            else
                for (int k = 0; k < t.Names.Count; k++)
                {
                    var col = t.Columns[k];
                    c.Add("truth: " + t.Names[k], false, () => col.Select(x => (float)x).ToArray());
                }
        }
        return c;
    }

    // Columns whose first row is a number; a class number (rlnClassNumber, …) is shown as categories.
    private static void AddStar(ColourColumns c, string path)
    {
        var loop = StarFile.Read(path).ParticlesBlock.Loop;
        if (loop is null || loop.RowCount == 0) return;
        for (int j = 0; j < loop.Columns.Count; j++)
        {
            if (!double.TryParse(loop.Rows[0][j], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
            int col = j;
            string name = loop.Columns[j].TrimStart('_');
            c.Add(name, name.Contains("Class", StringComparison.OrdinalIgnoreCase) || name.Contains("Group", StringComparison.OrdinalIgnoreCase) || name.EndsWith("Subset", StringComparison.Ordinal), () =>
            {
                var v = new float[loop.RowCount];
                for (int i = 0; i < v.Length; i++)
                    v[i] = double.TryParse(loop.Rows[i][col], NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? (float)x : float.NaN;
                return v;
            });
        }
    }

    // Scalar numeric fields of a cryoSPARC .cs (vector fields such as poses are left out).
    private static void AddCs(ColourColumns c, string path)
    {
        var r = Npy.ReadRecords(path);
        foreach (var f in r.Fields)
        {
            if (!f.DType.IsNumeric || f.Width != 1) continue;
            string name = f.Name;
            c.Add(name, name.Contains("class", StringComparison.OrdinalIgnoreCase) || name.EndsWith("split", StringComparison.Ordinal),
                () => r.GetDoubles(name).Select(x => (float)x).ToArray());
        }
    }
}
