using System.Globalization;

namespace CryoSphere.View;

/// <summary>
/// metrics.csv as the training chart reads it, while <c>train</c> may be rewriting it (it is replaced atomically):
/// columns and rows, an empty cell (a column added in a later epoch) read as NaN.
/// </summary>
public sealed record MetricsTable(string[] Columns, double[][] Rows, DateTime? Modified)
{
    public static MetricsTable Read(string path)
    {
        if (!File.Exists(path)) return new MetricsTable([], [], null);
        var modified = File.GetLastWriteTimeUtc(path);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            // Replaced between the existence check and the read: the next poll sees the new file.
            return new MetricsTable([], [], null);
        }
        if (lines.Length == 0) return new MetricsTable([], [], modified);
        var cols = lines[0].Split(',');
        var rows = new List<double[]>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split(',');
            var r = new double[cols.Length];
            for (int j = 0; j < cols.Length; j++)
                r[j] = j < f.Length && double.TryParse(f[j], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
            rows.Add(r);
        }
        return new MetricsTable(cols, rows.ToArray(), modified);
    }
}
