using CryoSphere.Analysis;
using CryoSphere.Model;
using CryoSphere.IO;

namespace CryoSphere.Tests;

/// <summary>One definition of bonded chain neighbours for the continuity/clash losses and evaluation's clash count.</summary>
public class ChainNeighboursTests
{
    /// <summary>A CA-only chain A with the given (number, insertion code, x) residues on the x axis.</summary>
    private static Structure Line(params (int N, char I, double X)[] residues)
    {
        string p = Path.Combine(TestData.TempDir("nb"), "line.pdb");
        var lines = residues.Select((r, k) => string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "ATOM  {0,5}  CA  ALA A{1,4}{2}   {3,8:F3}{4,8:F3}{5,8:F3}  1.00 20.00           C  ", k + 1, r.N, r.I, r.X, 0.0, 0.0));
        File.WriteAllText(p, string.Join("\n", lines) + "\nEND\n");
        return StructureReader.ReadStructure(p);
    }

    [Fact]
    public void InsertionCodesAreBondedNeighboursAndNotClashes()
    {
        // 52 and 52A: equal numbers, bonded (3.8 Å). The old |Δnumber| = 1 rule missed this pair and counted it as a clash.
        var s = Line((51, ' ', 0), (52, ' ', 3.8), (52, 'A', 7.6), (53, ' ', 11.4));
        Assert.Equal(new[] { (0, 1), (1, 2), (2, 3) }, ChainNeighbours.Of(s));
        // Squeeze 52–52A to 3.5 Å: still bonded, so no clash under the 4 Å cutoff.
        var squeezed = s.Coordinates.ToArray();
        squeezed[6] = 7.3f;
        Assert.Equal(0, Clashes.Count(squeezed, s));
    }

    [Fact]
    public void AGapInTheModelIsNotABondWhateverTheNumbers()
    {
        // 10 → 11 numbered consecutively but 12 Å apart (residues missing, renumbered); 20 → 25 3.8 Å apart (numbering jump only).
        var s = Line((10, ' ', 0), (11, ' ', 12), (20, ' ', 15.8), (25, ' ', 19.6));
        Assert.Equal(new[] { (1, 2), (2, 3) }, ChainNeighbours.Of(s));
    }

    [Fact]
    public void TrainingPairsAndEvaluationUseTheSameDefinition()
    {
        var s = StructureReader.ReadStructure(TestData.Structure("1ake.pdb"));
        var pairs = ChainNeighbours.Of(s);
        // Two complete chains of 214 residues: 213 bonds each, none across chains.
        Assert.Equal(426, pairs.Count);
        Assert.DoesNotContain(pairs, p => s.ChainIds[p.I] != s.ChainIds[p.J]);
        using var t = ResiduePairs.Neighbours(s);
        long[] flat = t.data<long>().ToArray();
        Assert.Equal(pairs.SelectMany(p => new long[] { p.I, p.J }), flat);
        // Evaluation: the base structure's bonded pairs never count as clashes; a non-neighbour pushed onto another does.
        int baseClashes = Clashes.Count(s.Coordinates, s);
        var moved = s.Coordinates.ToArray();
        for (int d = 0; d < 3; d++) moved[3 * 10 + d] = moved[3 * 100 + d] + 0.5f;
        Assert.True(Clashes.Count(moved, s) > baseClashes);
    }

    [Fact]
    public void SelectionsAndSegmentRangesShareAuthorNumbersAndInsertionCodes()
    {
        var s = Line((50, ' ', 0), (51, ' ', 3.8), (52, ' ', 7.6), (52, 'A', 11.4), (52, 'B', 15.2), (53, ' ', 19));
        Assert.Equal(new[] { 1, 2, 3, 4 }, StructureSelection.Parse(s, "A:51-52"));   // numbers 51..52, insertions included
        Assert.Equal(new[] { 1, 2, 3 }, StructureSelection.Parse(s, "A:51-52A"));     // up to 52A exactly
        Assert.Equal(new[] { 3, 4, 5 }, StructureSelection.Parse(s, "A:52A-53"));
        Assert.Equal(new[] { 4 }, StructureSelection.Parse(s, "A:52B"));
        // A segment table prints ranges that select back the same residues.
        var table = SegmentTable.Summarize(s, [0, 0, 0, 0, 1, 1], 2);
        Assert.Equal("A:50-52A", table[0].Ranges);
        Assert.Equal("A:52B-53", table[1].Ranges);
        Assert.Equal(new[] { 0, 1, 2, 3 }, StructureSelection.Parse(s, table[0].Ranges));
        Assert.Equal(new[] { 4, 5 }, StructureSelection.Parse(s, table[1].Ranges));
    }
}
