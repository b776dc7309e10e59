namespace CryoSphere.Analysis;

/// <summary>
/// Cα clashes: residue pairs closer than a cutoff that are not chain neighbours. Neighbours come from
/// <see cref="ChainNeighbours"/> on the base structure, the same pairs the training losses exclude.
/// </summary>
public static class Clashes
{
    /// <summary>Clashes of <paramref name="coords"/> (a conformation of <paramref name="structure"/>), neighbours judged on the structure's own coordinates.</summary>
    public static int Count(ReadOnlySpan<float> coords, Structure structure, double cutoff = 4.0) =>
        Count(coords, ChainNeighbours.Keys(ChainNeighbours.Of(structure), structure.Count), cutoff);

    public static int Count(ReadOnlySpan<float> coords, HashSet<long> neighbourKeys, double cutoff = 4.0)
    {
        int r = coords.Length / 3;
        // Sweep along x: only pairs within the cutoff in x can clash.
        var order = new int[r];
        var xs = new float[r];
        for (int i = 0; i < r; i++) { order[i] = i; xs[i] = coords[3 * i]; }
        Array.Sort(xs, order);
        double c2 = cutoff * cutoff;
        int count = 0;
        for (int a = 0; a < r; a++)
        {
            int i = order[a];
            for (int b = a + 1; b < r && xs[b] - xs[a] < cutoff; b++)
            {
                int j = order[b];
                double dx = coords[3 * i] - coords[3 * j], dy = coords[3 * i + 1] - coords[3 * j + 1], dz = coords[3 * i + 2] - coords[3 * j + 2];
                if (dx * dx + dy * dy + dz * dz >= c2) continue;
                if (neighbourKeys.Contains((long)Math.Min(i, j) * r + Math.Max(i, j))) continue;
                count++;
            }
        }
        return count;
    }
}
