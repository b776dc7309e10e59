using System.Globalization;
using System.Text.RegularExpressions;

namespace CryoSphere;

/// <summary>
/// Residue selections written as <c>A</c> (whole chain), <c>A:118</c> (one residue, optional insertion code
/// <c>A:52B</c>), <c>A:122-159</c> (author residue numbers 122 to 159 inclusive, insertions such as 152A included),
/// <c>A:50-52A</c> (from one residue to another in file order, when an end has an insertion code), several joined
/// by commas. The same addressing (chain + author number + insertion code) is used by --axis, segmentation_config
/// and the analysis outputs (docs/conventions.md).
/// </summary>
public static partial class StructureSelection
{
    [GeneratedRegex(@"^(?<start>-?\d+)(?<ins>[A-Za-z]?)(?:-(?<end>-?\d+)(?<endins>[A-Za-z]?))?$")]
    private static partial Regex RangePattern();

    /// <summary>
    /// Indices into <paramref name="structure"/> of the selected residues, ascending and without repeats.
    /// Throws <see cref="InputException"/> naming the selection for an unknown chain or residue, or a malformed one.
    /// </summary>
    public static int[] Parse(Structure structure, string selection)
    {
        if (string.IsNullOrWhiteSpace(selection)) throw new InputException("empty residue selection");
        var picked = new SortedSet<int>();
        foreach (string raw in selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = raw.IndexOf(':');
            string chain = colon < 0 ? raw : raw[..colon];
            if (!structure.ChainIds.Contains(chain))
                throw new InputException($"selection '{raw}': no chain '{chain}' (chains: {string.Join(", ", structure.ChainIds.Distinct())})");
            if (colon < 0)
            {
                for (int i = 0; i < structure.Count; i++)
                    if (structure.ChainIds[i] == chain) picked.Add(i);
                continue;
            }
            var m = RangePattern().Match(raw[(colon + 1)..]);
            if (!m.Success)
                throw new InputException($"selection '{raw}': expected CHAIN, CHAIN:RESIDUE or CHAIN:FIRST-LAST");
            int start = int.Parse(m.Groups["start"].Value, CultureInfo.InvariantCulture);
            if (!m.Groups["end"].Success)
            {
                int index = structure.IndexOf(chain, start, m.Groups["ins"].Value.ToUpperInvariant());
                if (index < 0) index = structure.IndexOf(chain, start, m.Groups["ins"].Value);
                if (index < 0) throw new InputException($"selection '{raw}': chain {chain} has no residue {start}{m.Groups["ins"].Value}");
                picked.Add(index);
                continue;
            }
            int end = int.Parse(m.Groups["end"].Value, CultureInfo.InvariantCulture);
            if (end < start) throw new InputException($"selection '{raw}': range end {end} is before its start {start}");
            string ins = m.Groups["ins"].Value, endIns = m.Groups["endins"].Value;
            if (ins.Length > 0 || endIns.Length > 0)
            {
                // An end with an insertion code names one residue exactly: take the residues between the two in file order.
                int from = Find(structure, chain, start, ins), to = Find(structure, chain, end, endIns);
                if (from < 0 || to < 0)
                    throw new InputException($"selection '{raw}': chain {chain} has no residue {(from < 0 ? $"{start}{ins}" : $"{end}{endIns}")}");
                if (to < from) throw new InputException($"selection '{raw}': {end}{endIns} comes before {start}{ins} in the file");
                for (int i = from; i <= to; i++) picked.Add(i);
                continue;
            }
            bool any = false;
            for (int i = 0; i < structure.Count; i++)
                if (structure.ChainIds[i] == chain && structure.ResidueNumbers[i] >= start && structure.ResidueNumbers[i] <= end)
                {
                    picked.Add(i);
                    any = true;
                }
            if (!any) throw new InputException($"selection '{raw}': chain {chain} has no residues numbered {start} to {end}");
        }
        return picked.ToArray();
    }

    private static int Find(Structure s, string chain, int number, string ins)
    {
        int i = s.IndexOf(chain, number, ins.ToUpperInvariant());
        return i >= 0 ? i : s.IndexOf(chain, number, ins);
    }
}
