namespace CryoSphere.Analysis;

/// <summary>
/// Distance between the centroids of two residue selections' Cα (the paper's Fig. 3 distances), written
/// "SEL1/SEL2" with each side in the --select syntax, e.g. "A:1-100/A:150-214" (commas join ranges within a side).
/// </summary>
public sealed class CentroidDistance
{
    public string Text { get; }
    public int[] First { get; }
    public int[] Second { get; }

    private CentroidDistance(string text, int[] first, int[] second)
    {
        Text = text;
        First = first;
        Second = second;
    }

    public static CentroidDistance Parse(Structure s, string text)
    {
        var parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new InputException($"--distance '{text}': expected two residue selections joined by '/', e.g. A:1-100/A:150-214");
        try
        {
            return new CentroidDistance(text, StructureSelection.Parse(s, parts[0]), StructureSelection.Parse(s, parts[1]));
        }
        catch (InputException e)
        {
            throw new InputException($"--distance '{text}': {e.Message}");
        }
    }

    /// <summary>The distance (Å) in one structure's coordinates (R × 3).</summary>
    public double Measure(ReadOnlySpan<float> coords)
    {
        var a = Centroid(coords, First);
        var b = Centroid(coords, Second);
        return Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y) + (a.Z - b.Z) * (a.Z - b.Z));
    }

    private static (double X, double Y, double Z) Centroid(ReadOnlySpan<float> c, int[] idx)
    {
        double x = 0, y = 0, z = 0;
        foreach (int i in idx) { x += c[3 * i]; y += c[3 * i + 1]; z += c[3 * i + 2]; }
        return (x / idx.Length, y / idx.Length, z / idx.Length);
    }
}
