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

    [Fact]
    public void CentroidRotationTurnsAWholeSegmentAboutItsCentroid()
    {
        // With segment_rotation_centre: centroid a residue wholly in segment k must move to R_k(x − c_k) + c_k + t_k,
        // c_k the membership-weighted centroid of the base structure and (R_k, t_k) the decoder's outputs: checked
        // here against double-precision Rodrigues and a centroid summed by hand.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        // 40 residues in 2 segments: far from the boundary the memberships are one-hot to 1e-7, so the soft mixing moves
        // those residues by < 1e-4 Å, while turning about the origin instead would put them tens of Å off.
        var model = new VaeModel(new ModelOptions(6, 40, new[] { SegmentationPart.WholeProtein(40, 2) })
        {
            LatentDim = 3, EncoderHidden = new[] { 16, 8 }, DecoderHidden = new[] { 8 }, RotateAboutSegmentCentroids = true,
        });
        model.to(ScalarType.Float64);
        Tensor baseCoords = torch.randn(40, 3, dtype: ScalarType.Float64) * 10 + 25; // far from the origin, as in a big box
        Tensor z = torch.randn(3, 3, dtype: ScalarType.Float64) * 2;
        double[] x = baseCoords.data<double>().ToArray();
        double[] coords = model.Decode(z, baseCoords, meanSegmentation: true).contiguous().data<double>().ToArray();
        var (axes, _, _) = model.Motion(z, baseCoords);
        var (angles, t) = model.DecoderMotion(z);
        double[] ax = axes.contiguous().data<double>().ToArray(), an = angles.contiguous().data<double>().ToArray(), tr = t.contiguous().data<double>().ToArray();
        double[] g = model.Segmentation.MeanG().contiguous().data<double>().ToArray();
        int checkedResidues = 0;
        for (int k = 0; k < 2; k++)
        {
            double[] c = new double[3];
            double mass = 0;
            for (int r = 0; r < 40; r++)
            {
                mass += g[r * 2 + k];
                for (int d = 0; d < 3; d++) c[d] += g[r * 2 + k] * x[r * 3 + d];
            }
            for (int d = 0; d < 3; d++) c[d] /= mass;
            for (int r = 0; r < 40; r++)
            {
                if (g[r * 2 + k] < 1 - 1e-7) continue;
                checkedResidues++;
                for (int b = 0; b < 3; b++)
                {
                    double[] rot = CryoSphere.Geometry.Rotations.FromAxisAngle(ax.AsSpan((b * 2 + k) * 3, 3).ToArray(), an[b * 2 + k]);
                    double[] moved = CryoSphere.Geometry.Rotations.Apply(rot, [x[r * 3] - c[0], x[r * 3 + 1] - c[1], x[r * 3 + 2] - c[2]]);
                    for (int d = 0; d < 3; d++)
                        Assert.Equal(moved[d] + c[d] + tr[(b * 2 + k) * 3 + d], coords[(b * 40 + r) * 3 + d], 4);
                }
            }
        }
        Assert.True(checkedResidues >= 4, $"only {checkedResidues} residues lie wholly in one segment (largest membership {g.Max()})");
    }

    [Fact]
    public void RotatePointsEqualsTheRotationMatrixTimesThePoints()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        Tensor axis = nn.functional.normalize(torch.randn(5, 2, 3, dtype: ScalarType.Float64), dim: -1);
        Tensor angle = torch.rand(5, 2, dtype: ScalarType.Float64) * 3;
        Tensor p = torch.randn(1, 2, 3, dtype: ScalarType.Float64) * 30;
        Tensor byMatrix = CryoSphere.Geometry.Rotations.FromAxisAngles(axis, angle).matmul(p.expand(5, 2, 3).unsqueeze(-1)).squeeze(-1);
        Assert.True(CryoSphere.Geometry.Rotations.RotatePoints(axis, angle, p).allclose(byMatrix, rtol: 0, atol: 1e-12));
    }
}
