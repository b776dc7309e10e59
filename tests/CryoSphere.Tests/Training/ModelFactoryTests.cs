using CryoSphere.Training;
using CryoSphere.IO;

namespace CryoSphere.Tests.Training;

public class ModelFactoryTests
{
    private static readonly Structure Ake = StructureReader.ReadStructure(TestData.Structure("1ake.pdb"));

    [Fact]
    public void LocalPartsMapAuthorNumbersOntoGlobalResidues()
    {
        var o = new TrainOptions
        {
            Segmentation =
            [
                new SegmentationPartOptions { Name = "lid", AllProtein = false, Chain = "A", StartRes = 122, EndRes = 159, Segments = 2 },
                new SegmentationPartOptions { Name = "b", AllProtein = false, Chain = "B", StartRes = 1, EndRes = 214, Segments = 4 },
            ],
        };
        var parts = ModelFactory.Parts(o, Ake);
        Assert.Equal(2, parts.Count);
        Assert.Equal((121, 159, 2), (parts[0].Start, parts[0].End, parts[0].Segments));
        Assert.Equal(122, Ake.ResidueNumbers[parts[0].Start]);
        Assert.Equal(159, Ake.ResidueNumbers[parts[0].End - 1]);
        Assert.Equal((214, 428, 4), (parts[1].Start, parts[1].End, parts[1].Segments));
    }

    [Theory]
    [InlineData(214, 6)]   // 1AKE A: the demo keeps 6
    [InlineData(324, 6)]
    [InlineData(326, 7)]
    [InlineData(428, 9)]   // 1AKE A+B
    [InlineData(1156, 20)] // Cas9: 23 by the rule, capped
    [InlineData(3360, 20)]
    public void DefaultSegmentCountFollowsTheResidues(int residues, int segments) =>
        Assert.Equal(segments, SegmentationPartOptions.DefaultSegmentsFor(residues));

    [Fact]
    public void UnsetSegmentCountsAreResolvedPerPartAndSetOnesKept()
    {
        var o = new TrainOptions
        {
            Segmentation =
            [
                new SegmentationPartOptions { Name = "lid", AllProtein = false, Chain = "A", StartRes = 122, EndRes = 125 }, // 4 residues: 4 segments at most
                new SegmentationPartOptions { Name = "b", AllProtein = false, Chain = "B", StartRes = 1, EndRes = 214 },
                new SegmentationPartOptions { Name = "c", AllProtein = false, Chain = "A", StartRes = 1, EndRes = 100, Segments = 3 },
            ],
        };
        var resolved = ModelFactory.ResolvedSegmentation(o, Ake);
        Assert.Equal(new int?[] { 4, 6, 3 }, resolved.Select(p => p.Segments).ToArray());
        Assert.Equal(new[] { 4, 6, 3 }, ModelFactory.Parts(o, Ake).Select(p => p.Segments).ToArray());
        // The whole of 1AKE A+B (428 residues) as one part without a count: 9 segments, and the YAML record of it reads back as 9.
        var whole = new TrainOptions { Segmentation = ModelFactory.ResolvedSegmentation(new TrainOptions { Segmentation = [new SegmentationPartOptions()] }, Ake) };
        Assert.Equal(9, whole.Segmentation.Single().Segments);
        string yaml = Path.Combine(TestData.TempDir("segments-default"), "config.yaml");
        TrainConfigWriter.Write(yaml, whole);
        Assert.Equal(9, TrainConfigReader.Read(yaml).Segmentation.Single().Segments);
    }

    [Fact]
    public void NothingConfiguredGivesOnePartPerChainWithTheWholeProteinsTotal()
    {
        // 1AKE A+B, nothing configured: 9 segments in all (as one 428-residue part), one part per chain: 1 each, the 7
        // others split 3.5/3.5, the tie to the earlier chain.
        var resolved = ModelFactory.ResolvedSegmentation(new TrainOptions(), Ake);
        Assert.Equal(new[] { ("A", 5), ("B", 4) }, resolved.Select(p => (p.Chain!, p.Segments!.Value)).ToArray());
        Assert.All(resolved, p => Assert.False(p.AllProtein));
        var parts = ModelFactory.Parts(new TrainOptions(), Ake);
        Assert.Equal(new[] { (0, 214, 5), (214, 428, 4) }, parts.Select(p => (p.Start, p.End, p.Segments)).ToArray());
        // Written to config.yaml (chain only: the whole chain) and read back, it builds the same parts.
        string yaml = Path.Combine(TestData.TempDir("segments-by-chain"), "config.yaml");
        TrainConfigWriter.Write(yaml, new TrainOptions { Segmentation = resolved });
        var back = TrainConfigReader.Read(yaml);
        Assert.Equal(parts, ModelFactory.Parts(back, Ake));
        // One chain: one whole-protein part, as before.
        var a = Ake.Subset(Enumerable.Range(0, 214).ToArray());
        Assert.Equal(6, ModelFactory.ResolvedSegmentation(new TrainOptions(), a).Single(p => p.AllProtein).Segments);
    }

    [Theory]
    // 14 spare over 3,462 residues: shares 0.93 0.93 5.43 5.69 0.37 0.65; floors 0 0 5 5 0 0; the 4 left to 0.93 0.93 0.69 0.65.
    [InlineData(new[] { 230, 230, 1342, 1407, 91, 162 }, 20, new[] { 2, 2, 6, 7, 1, 2 })]
    [InlineData(new[] { 100, 100, 100 }, 6, new[] { 2, 2, 2 })]
    [InlineData(new[] { 50, 50, 50, 50, 50, 50, 50 }, 6, new[] { 1, 1, 1, 1, 1, 1, 1 })] // more chains than the total: one each
    [InlineData(new[] { 1, 300 }, 6, new[] { 1, 5 })]
    [InlineData(new[] { 2, 2 }, 20, new[] { 2, 2 })] // never more segments than residues
    public void SegmentsAreSplitOverChainsByLargestRemainder(int[] residues, int total, int[] expected)
    {
        // Independent check of the rule: one each, then floor(spare · share) and the largest remainders.
        Assert.Equal(expected, DefaultSegmentation.Allocate(residues, total));
    }

    [Theory]
    [InlineData("C", 0, 10, "chain 'C'")]
    [InlineData("A", 300, 400, "no residues numbered 300–400 (author numbers; chain A has 1–214)")]
    [InlineData("A", 150, 120, "no residues numbered 150–120")]
    public void BadPartsAreNamed(string chain, int start, int end, string mention)
    {
        var o = new TrainOptions { Segmentation = [new SegmentationPartOptions { Name = "p", AllProtein = false, Chain = chain, StartRes = start, EndRes = end, Segments = 2 }] };
        var e = Assert.Throws<InputException>(() => ModelFactory.Parts(o, Ake));
        Assert.Contains(mention, e.Message);
    }

    [Fact]
    public void PartAndSelectAddressTheSameResiduesInAChainWithGapsAndInsertions()
    {
        // Chain numbered from 10 with a gap (13–19 missing) and an insertion (21A): a part 12–21 and --select A:12-21
        // must name the same residues, 12, 20, 21 and 21A (not indices 12..21 of the chain).
        string p = Path.Combine(TestData.TempDir("mf"), "gappy.pdb");
        var lines = new List<string>();
        var numbers = new (int N, char I)[] { (10, ' '), (11, ' '), (12, ' '), (20, ' '), (21, ' '), (21, 'A'), (22, ' '), (23, ' ') };
        for (int k = 0; k < numbers.Length; k++)
            lines.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "ATOM  {0,5}  CA  ALA A{1,4}{2}   {3,8:F3}{4,8:F3}{5,8:F3}  1.00 20.00           C  ", k + 1, numbers[k].N, numbers[k].I, 3.8 * k, 0.0, 0.0));
        lines.Add("END");
        File.WriteAllText(p, string.Join("\n", lines) + "\n");
        var s = StructureReader.ReadStructure(p);
        var o = new TrainOptions { Segmentation = [new SegmentationPartOptions { Name = "p", AllProtein = false, Chain = "A", StartRes = 12, EndRes = 21, Segments = 2 }] };
        var part = ModelFactory.Parts(o, s)[0];
        int[] selected = StructureSelection.Parse(s, "A:12-21");
        Assert.Equal(Enumerable.Range(part.Start, part.End - part.Start), selected);
        Assert.Equal(new[] { 2, 3, 4, 5 }, selected);
    }

    [Fact]
    public void OverlappingPartsAreRefused()
    {
        var o = new TrainOptions
        {
            Segmentation =
            [
                new SegmentationPartOptions { Name = "a", AllProtein = false, Chain = "A", StartRes = 1, EndRes = 100, Segments = 2 },
                new SegmentationPartOptions { Name = "b", AllProtein = false, Chain = "A", StartRes = 50, EndRes = 150, Segments = 2 },
            ],
        };
        Assert.Contains("overlap", Assert.Throws<InputException>(() => ModelFactory.Parts(o, Ake)).Message);
    }

    [Fact]
    public void CudaWithoutCudaIsAClearError()
    {
        if (TorchSharp.torch.cuda.is_available()) return;
        var e = Assert.Throws<InputException>(() => TorchRuntime.ResolveDevice("cuda"));
        Assert.Contains("CUDA is not available", e.Message);
        Assert.Equal(TorchSharp.DeviceType.CPU, TorchRuntime.ResolveDevice("auto").type);
        Assert.Throws<InputException>(() => TorchRuntime.ResolveDevice("tpu"));
    }
}
