using System.Globalization;

namespace CryoSphere.IO;

/// <summary>
/// The motion coordinates of a simulation's truth.csv: one column per coordinate (angle_deg; t; frame; or
/// angle_deg_1, angle_deg_2, … for independent hinges), between "index" and the pose columns.
/// </summary>
public sealed class TruthTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public IReadOnlyList<string> Names { get; }
    /// <summary>Per coordinate, its value for every particle index 0…n−1.</summary>
    public IReadOnlyList<double[]> Columns { get; }
    public int Count => Columns[0].Length;

    private TruthTable(string[] names, double[][] columns)
    {
        Names = names;
        Columns = columns;
    }

    /// <summary>The coordinates of particle <paramref name="index"/>.</summary>
    public double[] Row(int index) => Columns.Select(c => c[index]).ToArray();

    public static TruthTable Read(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "truth file not found");
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2) throw new InputException(path, "no particles");
        var head = lines[0].Split(',');
        // Files before independent hinges had exactly one coordinate and always a "rot" column after it.
        int end = Array.IndexOf(head, "rot");
        if (end < 0) end = 2;
        if (head.Length < 2 || head[0] != "index" || end < 2) throw new InputException(path, "expected a header 'index,<coordinate>,…'", 1);
        int d = end - 1;
        var v = new double[d][];
        for (int k = 0; k < d; k++) v[k] = new double[lines.Length - 1];
        var seen = new bool[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            if (f.Length < end || !int.TryParse(f[0], NumberStyles.Integer, Inv, out int idx) || idx < 0 || idx >= seen.Length)
                throw new InputException(path, "cannot read this row", i + 1);
            for (int k = 0; k < d; k++)
                if (!double.TryParse(f[k + 1], NumberStyles.Float, Inv, out v[k][idx]))
                    throw new InputException(path, $"cannot read {head[k + 1]} in this row", i + 1);
            seen[idx] = true;
        }
        if (seen.Contains(false)) throw new InputException(path, "particle indices are not 0…n−1");
        return new TruthTable(head[1..end], v);
    }
}
