using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

public class ModelFactoryTests
{
    private static readonly Structure Ake = Structure.Load(TestData.Structure("1ake.pdb"));

    [Fact]
    public void LocalPartsMapChainIndicesOntoGlobalResidues()
    {
        var o = new TrainOptions
        {
            Segmentation =
            [
                new SegmentationPartOptions { Name = "lid", AllProtein = false, Chain = "A", StartRes = 121, EndRes = 158, Segments = 2 },
                new SegmentationPartOptions { Name = "b", AllProtein = false, Chain = "B", StartRes = 0, EndRes = 213, Segments = 4 },
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
    [InlineData("C", 0, 10, "chain 'C'")]
    [InlineData("A", 200, 300, "outside chain A")]
    public void BadPartsAreNamed(string chain, int start, int end, string mention)
    {
        var o = new TrainOptions { Segmentation = [new SegmentationPartOptions { Name = "p", AllProtein = false, Chain = chain, StartRes = start, EndRes = end, Segments = 2 }] };
        var e = Assert.Throws<InputException>(() => ModelFactory.Parts(o, Ake));
        Assert.Contains(mention, e.Message);
    }

    [Fact]
    public void OverlappingPartsAreRefused()
    {
        var o = new TrainOptions
        {
            Segmentation =
            [
                new SegmentationPartOptions { Name = "a", AllProtein = false, Chain = "A", StartRes = 0, EndRes = 100, Segments = 2 },
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
