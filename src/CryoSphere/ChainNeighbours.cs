namespace CryoSphere;

/// <summary>
/// Which residues are bonded along the chain: the one definition shared by the training losses
/// (continuity pairs; pairs the clash loss must not penalise) and evaluation's clash count.
/// Two residues are chain neighbours when they are consecutive in the structure's order within one chain
/// and their representative atoms are close enough to be bonded: Cα–Cα ≤ 4.2 Å (3.8 Å for a trans peptide,
/// 2.9 Å cis, plus room for poor models), C1'–C1' ≤ 7.5 Å for nucleotides (about 5–6.5 Å in a strand).
/// Author numbers play no part: insertion codes (52, 52A, 53) and numbering jumps without a real gap are
/// neighbours, while a gap in the model (missing residues) is not, whatever the numbers say.
/// </summary>
public static class ChainNeighbours
{
    public const double MaxCalphaDistance = 4.2;
    public const double MaxC1PrimeDistance = 7.5;

    /// <summary>Neighbour pairs (i, i + 1) in structure order.</summary>
    public static IReadOnlyList<(int I, int J)> Of(Structure s) => Of(s, s.Coordinates);

    /// <summary>Neighbour pairs judged on <paramref name="coordinates"/> (3 per residue of <paramref name="s"/>), e.g. the base model's.</summary>
    public static IReadOnlyList<(int I, int J)> Of(Structure s, ReadOnlySpan<float> coordinates)
    {
        var pairs = new List<(int, int)>();
        for (int i = 0; i + 1 < s.Count; i++)
        {
            if (s.ChainIds[i] != s.ChainIds[i + 1] || s.IsNucleotide(i) != s.IsNucleotide(i + 1)) continue;
            double max = s.IsNucleotide(i) ? MaxC1PrimeDistance : MaxCalphaDistance;
            double dx = coordinates[3 * i] - coordinates[3 * i + 3], dy = coordinates[3 * i + 1] - coordinates[3 * i + 4], dz = coordinates[3 * i + 2] - coordinates[3 * i + 5];
            if (dx * dx + dy * dy + dz * dz <= max * max) pairs.Add((i, i + 1));
        }
        return pairs;
    }

    /// <summary>The pairs as a set of keys min·R + max, for "is (i, j) a neighbour pair" lookups.</summary>
    public static HashSet<long> Keys(IReadOnlyList<(int I, int J)> pairs, int residues)
    {
        var set = new HashSet<long>();
        foreach (var (i, j) in pairs) set.Add((long)Math.Min(i, j) * residues + Math.Max(i, j));
        return set;
    }
}
