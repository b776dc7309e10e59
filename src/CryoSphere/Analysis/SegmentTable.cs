namespace CryoSphere.Analysis;

/// <summary>One segment of the hard assignment: its 1-based id, residue ranges (e.g. <c>A:1-50, A:120-130</c>) and size.</summary>
public sealed record SegmentSummary(int Id, string Ranges, int Size);

/// <summary>Summarises a hard segment assignment per residue as ranges along the chains.</summary>
public static class SegmentTable
{
    private static string Label(Structure s, int i) => s.ResidueNumbers[i].ToString(System.Globalization.CultureInfo.InvariantCulture) + s.InsertionCodes[i];

    public static IReadOnlyList<SegmentSummary> Summarize(Structure s, long[] hard, int k)
    {
        var ranges = Enumerable.Range(0, k).Select(_ => new List<string>()).ToArray();
        var sizes = new int[k];
        int start = 0;
        for (int i = 1; i <= s.Count; i++)
        {
            bool breaks = i == s.Count || hard[i] != hard[start] || s.ChainIds[i] != s.ChainIds[start]
                || (s.ResidueNumbers[i] != s.ResidueNumbers[i - 1] + 1 && s.ResidueNumbers[i] != s.ResidueNumbers[i - 1]);
            if (!breaks) continue;
            int seg = (int)hard[start];
            // Author number + insertion code, the same addressing --select and segmentation_config use.
            string a = Label(s, start), b = Label(s, i - 1);
            ranges[seg].Add(a == b ? $"{s.ChainIds[start]}:{a}" : $"{s.ChainIds[start]}:{a}-{b}");
            sizes[seg] += i - start;
            start = i;
        }
        return Enumerable.Range(0, k).Select(j => new SegmentSummary(j + 1, ranges[j].Count == 0 ? "—" : string.Join(", ", ranges[j]), sizes[j])).ToArray();
    }
}
