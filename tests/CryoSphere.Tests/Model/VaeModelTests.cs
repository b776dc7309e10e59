using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

public class VaeModelTests
{
    private static ModelOptions Tiny(bool amortized = true) => new(6, 10, new[] { SegmentationPart.WholeProtein(10, 2) })
    {
        LatentDim = 3,
        EncoderHidden = new[] { 16, 8 },
        DecoderHidden = new[] { 8 },
        Amortized = amortized,
        ImageCount = 5,
    };

    [Fact]
    public void ForwardGivesShapesAndFiniteGradientsForEveryParameter()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var model = new VaeModel(Tiny());
        Tensor baseCoords = torch.randn(10, 3) * 10;
        var o = model.Forward(torch.randn(4, 6, 6), baseCoords, generator: new Generator(1));
        Assert.Equal(new long[] { 4, 3 }, o.Mu.shape);
        Assert.Equal(new long[] { 4, 3 }, o.Sigma.shape);
        Assert.Equal(new long[] { 4, 3 }, o.Z.shape);
        Assert.Equal(new long[] { 4, 10, 2 }, o.G.shape);
        Assert.Equal(new long[] { 4, 2, 3 }, o.Axes.shape);
        Assert.Equal(new long[] { 4, 2 }, o.Angles.shape);
        Assert.Equal(new long[] { 4, 2, 3 }, o.Translations.shape);
        Assert.Equal(new long[] { 4, 10, 3 }, o.Coords.shape);
        Assert.True(o.Sigma.min().ToSingle() > 0);

        Tensor loss = o.Coords.square().mean() + Losses.KlLatent(o.Mu, o.Sigma) + model.Segmentation.KlMeans()
            + Losses.L2(model.WeightMatrices());
        loss.backward();
        foreach (var p in model.parameters())
        {
            Assert.NotNull(p.grad);
            Assert.False(p.grad!.isnan().any().ToBoolean());
        }
    }

    [Fact]
    public void ParameterGroupsAreDisjointAndCoverTheModel()
    {
        using var scope = torch.NewDisposeScope();
        foreach (bool amortized in new[] { true, false })
        {
            var model = new VaeModel(Tiny(amortized));
            var net = model.NetworkParameters().ToList();
            var seg = model.SegmentationParameters().ToList();
            Assert.Equal(6, seg.Count);
            Assert.Empty(net.Intersect(seg, ReferenceEqualityComparer.Instance));
            Assert.Equal(model.parameters().Count(), net.Count + seg.Count);
            // Weight matrices only: encoder 36→16→8→6 (or none), decoder 3→8→12.
            Assert.Equal(amortized ? 5 : 2, model.WeightMatrices().Count());
        }
    }

    [Fact]
    public void ZeroDecoderOutputLeavesTheStructureUnmoved()
    {
        using var scope = torch.NewDisposeScope();
        var model = new VaeModel(Tiny());
        var last = model.Decoder.Network.Layers[^1];
        using (torch.no_grad())
        {
            last.weight!.zero_();
            last.bias!.zero_();
        }
        Tensor baseCoords = torch.randn(10, 3) * 10;
        Tensor moved = model.Decode(torch.randn(3, 3), baseCoords, meanSegmentation: false);
        Assert.True(moved.allclose(baseCoords.unsqueeze(0).expand(3, 10, 3), rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void MeanDecodeIsDeterministicAndSeededForwardRepeats()
    {
        using var scope = torch.NewDisposeScope();
        var model = new VaeModel(Tiny(amortized: false));
        Tensor baseCoords = torch.randn(10, 3) * 10;
        Tensor z = torch.randn(2, 3);
        Assert.True(model.Decode(z, baseCoords, true).allclose(model.Decode(z, baseCoords, true), rtol: 0, atol: 0));
        Tensor idx = torch.tensor(new long[] { 4, 0 });
        var a = model.Forward(torch.zeros(2, 6, 6), baseCoords, idx, new Generator(3));
        var b = model.Forward(torch.zeros(2, 6, 6), baseCoords, idx, new Generator(3));
        Assert.True(a.Coords.allclose(b.Coords, rtol: 0, atol: 0));
        Assert.True(a.Z.allclose(b.Z, rtol: 0, atol: 0));
        Assert.Throws<ArgumentException>(() => model.Forward(torch.zeros(2, 6, 6), baseCoords));
    }

    [Fact]
    public void ModelConvertsToFloat64()
    {
        using var scope = torch.NewDisposeScope();
        var model = new VaeModel(Tiny());
        model.to(ScalarType.Float64);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        var o = model.Forward(torch.randn(2, 6, 6, dtype: ScalarType.Float64), torch.randn(10, 3, dtype: ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, o.Coords.dtype);
        Assert.Equal(ScalarType.Float64, model.Segmentation.KlStd().dtype);
    }
}
