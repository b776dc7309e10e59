namespace CryoSphere.Training;

/// <summary>
/// The segmentation used when none is configured. One chain: one whole-protein part of
/// <see cref="SegmentationPartOptions.DefaultSegmentsFor"/> segments. Several chains: one part per chain, because a
/// segment of the whole-protein mixture runs across chain ends and so ties chains that move apart (6C6S: with 6 or 20
/// whole-protein segments of 168+ residues, the 162-residue RfaH chain never had a segment of its own; see
/// docs/training-defaults.md §15). The complex gets the same total as one chain of its size (at least one per chain);
/// each chain gets at least one, and the rest go to the chains by size (largest remainder), so a small chain moves as
/// a rigid body and the large ones are divided about every 50–170 residues.
/// </summary>
public static class DefaultSegmentation
{
    /// <summary>The parts, in chain order, with every segment count set.</summary>
    public static IReadOnlyList<SegmentationPartOptions> For(Structure s)
    {
        var chains = new List<(string Id, int Residues)>();
        for (int i = 0; i < s.Count; i++)
            if (chains.Count > 0 && chains[^1].Id == s.ChainIds[i]) chains[^1] = (chains[^1].Id, chains[^1].Residues + 1);
            else chains.Add((s.ChainIds[i], 1));
        // One chain, or a chain ID that comes back after another (no part could hold it): the whole protein.
        if (chains.Count == 1 || chains.Select(c => c.Id).Distinct().Count() != chains.Count)
            return [new SegmentationPartOptions { Segments = Math.Min(SegmentationPartOptions.DefaultSegmentsFor(s.Count), s.Count) }];
        int[] k = Allocate(chains.Select(c => c.Residues).ToArray(), SegmentationPartOptions.DefaultSegmentsFor(s.Count));
        return chains.Select((c, i) => new SegmentationPartOptions { Name = "chain_" + c.Id, AllProtein = false, Chain = c.Id, Segments = k[i] }).ToArray();
    }

    /// <summary>
    /// Splits max(<paramref name="total"/>, chains) segments over chains of <paramref name="residues"/>: one each, the
    /// rest in proportion to size by largest remainder (ties to the earlier chain), never more than a chain's residues.
    /// </summary>
    public static int[] Allocate(int[] residues, int total)
    {
        int n = residues.Length;
        var k = Enumerable.Repeat(1, n).ToArray();
        int spare = Math.Max(total, n) - n;
        long sum = residues.Sum(r => (long)r);
        var share = residues.Select(r => spare * (double)r / sum).ToArray();
        for (int i = 0; i < n; i++) k[i] += Math.Min((int)Math.Floor(share[i]), residues[i] - 1);
        int left = Math.Max(total, n) - k.Sum();
        foreach (int i in Enumerable.Range(0, n).OrderByDescending(i => share[i] - Math.Floor(share[i])).ThenBy(i => i).ToArray())
        {
            if (left == 0) break;
            if (k[i] < residues[i]) { k[i]++; left--; }
        }
        return k;
    }
}
