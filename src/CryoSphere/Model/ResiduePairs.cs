using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>Residue pair lists (P, 2) of int64 for the continuity and clash losses; always i &lt; j.</summary>
public static class ResiduePairs
{
    /// <summary>Chain-neighbour pairs (see <see cref="ChainNeighbours"/>, the one definition) as a (P, 2) int64 tensor.</summary>
    public static Tensor Neighbours(Structure structure, Device? device = null) => FromPairs(ChainNeighbours.Of(structure), device);

    /// <summary>Given pairs as a (P, 2) int64 tensor.</summary>
    public static Tensor FromPairs(IReadOnlyList<(int I, int J)> pairs, Device? device = null)
    {
        var flat = new long[2 * pairs.Count];
        for (int k = 0; k < pairs.Count; k++) { flat[2 * k] = pairs[k].I; flat[2 * k + 1] = pairs[k].J; }
        return torch.tensor(flat, device: device ?? torch.CPU).reshape(-1, 2);
    }

    /// <summary>
    /// Pairs i &lt; j, not in <paramref name="neighbourPairs"/>, whose base distance d satisfies
    /// min ≤ d ≤ max (the light clash loss's pair set). Searched in bounded blocks.
    /// </summary>
    public static Tensor WithinBaseDistance(Tensor baseCoords, Tensor neighbourPairs, double min, double max,
        long chunkElements = Losses.DefaultChunkElements)
    {
        long r = baseCoords.shape[0];
        var excluded = Keys(neighbourPairs, r);
        var flat = new List<long>();
        using (torch.no_grad())
        {
            foreach (var (_, i, j) in CloserThan(baseCoords.detach().unsqueeze(0), min, max, chunkElements, inclusive: true))
                if (!excluded.Contains(i * r + j)) { flat.Add(i); flat.Add(j); }
        }
        return torch.tensor(flat.ToArray(), device: baseCoords.device).reshape(-1, 2);
    }

    // TorchSharp's accessor throws on empty tensors, and empty pair lists are common.
    internal static long[] ToArray(Tensor t) =>
        t.numel() == 0 ? Array.Empty<long>() : t.to(ScalarType.Int64, torch.CPU).contiguous().data<long>().ToArray();

    /// <summary>Pairs as keys i·R + j with i &lt; j.</summary>
    internal static HashSet<long> Keys(Tensor pairs, long r)
    {
        long[] p = ToArray(pairs);
        var set = new HashSet<long>();
        for (int n = 0; n + 1 < p.Length; n += 2)
            set.Add(Math.Min(p[n], p[n + 1]) * r + Math.Max(p[n], p[n + 1]));
        return set;
    }

    /// <summary>
    /// (batch, i, j) with i &lt; j and min ≤ d &lt; max (≤ max when <paramref name="inclusive"/>) in
    /// coords (B, R, 3), computed block by block.
    /// </summary>
    internal static IEnumerable<(long Batch, long I, long J)> CloserThan(Tensor coords, double min, double max,
        long chunkElements, bool inclusive = false)
    {
        long b = coords.shape[0], r = coords.shape[1];
        long rows = Math.Max(1, chunkElements / Math.Max(1, b * r));
        var result = new List<(long, long, long)>();
        Tensor j = torch.arange(r, device: coords.device).reshape(1, 1, r);
        for (long i0 = 0; i0 < r; i0 += rows)
        {
            using var scope = torch.NewDisposeScope();
            long n = Math.Min(rows, r - i0);
            Tensor block = coords.narrow(1, i0, n);
            Tensor d2 = (block.unsqueeze(2) - coords.unsqueeze(1)).square().sum(-1); // (B, n, R)
            Tensor i = torch.arange(i0, i0 + n, device: coords.device).reshape(1, n, 1);
            Tensor hit = (j > i) & (d2 >= min * min) & (inclusive ? d2 <= max * max : d2 < max * max);
            long[] idx = ToArray(hit.nonzero());
            for (int m = 0; m < idx.Length; m += 3)
                result.Add((idx[m], idx[m + 1] + i0, idx[m + 2]));
        }
        return result;
    }
}
