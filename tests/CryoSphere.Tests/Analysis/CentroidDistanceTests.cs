using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.Tests.Analysis;

public class CentroidDistanceTests
{
    private static readonly Structure Ake = StructureReader.ReadStructure(TestData.Structure("1ake.pdb"), ["A"]);

    [Fact]
    public void DistanceIsBetweenTheSelectionsCentroids()
    {
        var d = CentroidDistance.Parse(Ake, "A:1-10,A:20/A:122-159");
        Assert.Equal(11, d.First.Length);
        Assert.Equal(38, d.Second.Length);
        // By hand: the centroid of each side from residue numbers, not indices.
        double[] C(Func<int, bool> pick)
        {
            var idx = Enumerable.Range(0, Ake.Count).Where(i => pick(Ake.ResidueNumbers[i])).ToArray();
            return [.. Enumerable.Range(0, 3).Select(k => idx.Average(i => (double)Ake.Coordinates[3 * i + k]))];
        }
        var a = C(r => r is >= 1 and <= 10 or 20);
        var b = C(r => r is >= 122 and <= 159);
        double expected = Math.Sqrt(Enumerable.Range(0, 3).Sum(k => (a[k] - b[k]) * (a[k] - b[k])));
        Assert.Equal(expected, d.Measure(Ake.Coordinates), 4);
        Assert.InRange(expected, 5, 60);

        // A rigid translation of everything leaves it unchanged; moving one side by 3 Å along the line changes it by 3.
        var moved = Ake.Coordinates.Select((v, i) => v + (i % 3 == 0 ? 7f : -2f)).ToArray();
        Assert.Equal(expected, d.Measure(moved), 3);
        var u = Enumerable.Range(0, 3).Select(k => (b[k] - a[k]) / expected).ToArray();
        var apart = (float[])Ake.Coordinates.Clone();
        foreach (int i in d.Second) for (int k = 0; k < 3; k++) apart[3 * i + k] += (float)(3 * u[k]);
        Assert.Equal(expected + 3, d.Measure(apart), 3);
    }

    [Theory]
    [InlineData("A:1-10", "'/'")]
    [InlineData("A:1-10/", "'/'")]
    [InlineData("A:1-10/B:3", "no chain 'B'")]
    [InlineData("A:1-10/A:500-510", "A:500-510")]
    public void BadPairsNameThemselves(string text, string mention)
    {
        var e = Assert.Throws<InputException>(() => CentroidDistance.Parse(Ake, text));
        Assert.Contains("--distance", e.Message);
        Assert.Contains(mention, e.Message);
    }
}
