using System.Globalization;
using CryoSphere.IO;

namespace CryoSphere.Training;

/// <summary>metrics.csv: one row per epoch, rewritten atomically so a crash never leaves a torn file.</summary>
public sealed class MetricsLog
{
    private readonly string _path;
    private readonly List<string> _columns = [];
    private readonly List<Dictionary<string, double>> _rows = [];

    public MetricsLog(string path)
    {
        _path = path;
        if (File.Exists(path)) Load();
    }

    public IReadOnlyList<Dictionary<string, double>> Rows => _rows;

    private void Load()
    {
        var lines = File.ReadAllLines(_path);
        if (lines.Length == 0) return;
        _columns.AddRange(lines[0].Split(','));
        foreach (var l in lines.Skip(1))
        {
            if (l.Length == 0) continue;
            var v = l.Split(',');
            var row = new Dictionary<string, double>();
            for (int i = 0; i < Math.Min(v.Length, _columns.Count); i++)
                row[_columns[i]] = double.Parse(v[i], CultureInfo.InvariantCulture);
            _rows.Add(row);
        }
    }

    /// <summary>Drops rows of epochs ≥ <paramref name="epoch"/> (1-based in the file), for a resume.</summary>
    public void TruncateFrom(int epoch) => _rows.RemoveAll(r => r.TryGetValue("epoch", out var e) && e >= epoch);

    public void Append(Dictionary<string, double> row)
    {
        foreach (var k in row.Keys) if (!_columns.Contains(k)) _columns.Add(k);
        _rows.Add(row);
        AtomicFile.WriteText(_path, w =>
        {
            w.WriteLine(string.Join(",", _columns));
            foreach (var r in _rows)
                w.WriteLine(string.Join(",", _columns.Select(c => r.TryGetValue(c, out var x) ? x.ToString("R", CultureInfo.InvariantCulture) : "")));
        }, durable: true);
    }
}
