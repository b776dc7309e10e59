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
        // The whole of 1AKE A+B (428 residues) without a count: 9 segments, and the YAML record of it reads back as 9.
        var whole = new TrainOptions { Segmentation = ModelFactory.ResolvedSegmentation(new TrainOptions(), Ake) };
        Assert.Equal(9, whole.Segmentation.Single().Segments);
        string yaml = Path.Combine(TestData.TempDir("segments-default"), "config.yaml");
        TrainConfigWriter.Write(yaml, whole);
        Assert.Equal(9, TrainConfigReader.Read(yaml).Segmentation.Single().Segments);
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
