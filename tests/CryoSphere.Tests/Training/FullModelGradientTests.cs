using CryoSphere.Data;
using CryoSphere.Geometry;
using CryoSphere.Imaging;
using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

/// <summary>
/// The whole differentiable chain — segmentation draw, deformation from decoder outputs, pose,
/// projection, CTF with shift, correlation — against central finite differences, in float64.
/// </summary>
public class FullModelGradientTests
{
    private const int Residues = 14, Segments = 3, Side = 24;
    private static readonly ImageGrid Grid = new(Side, 2.0);

    private static Tensor BaseCoords()
    {
        var c = new double[Residues * 3];
        for (int r = 0; r < Residues; r++)
        {
            double a = r * 0.9;
            c[3 * r] = 3.8 * Math.Cos(a) + 0.6 * (r - Residues / 2.0);
            c[3 * r + 1] = 3.8 * Math.Sin(a);
            c[3 * r + 2] = 1.5 * (r - Residues / 2.0);
        }
        return tensor(c, [Residues, 3], ScalarType.Float64);
    }

    private static double Loss(Segmentation seg, Tensor t, Tensor v, Tensor target, Tensor baseCoords, Tensor amps, Tensor rot, Tensor shift, CtfBatch ctf)
    {
        using var scope = NewDisposeScope();
        return LossTensor(seg, t, v, target, baseCoords, amps, rot, shift, ctf).ToDouble();
    }

    private static Tensor LossTensor(Segmentation seg, Tensor t, Tensor v, Tensor target, Tensor baseCoords, Tensor amps, Tensor rot, Tensor shift, CtfBatch ctf)
    {
        using var gen = new Generator(11, CPU);
        var g = seg.Sample(1, gen);
        var (axes, angles) = Rotations.AxisAngleFromVector(v);
        var coords = Deformation.Apply(baseCoords, g, axes, angles, t);
        var proj = GaussianRenderer.RotateAndProject(coords, rot, amps, 2.0, Grid, RenderMode.Full);
        var pred = ImageFormation.Apply(proj, ctf, shift, Grid);
        return Losses.Correlation(pred, target).Loss;
    }

    [Fact]
    public void GradientsOfSegmentationAndDecoderOutputsMatchFiniteDifferences()
    {
        using var seg = new Segmentation(Residues, [SegmentationPart.WholeProtein(Residues, Segments)]);
        seg.to(ScalarType.Float64);
        var baseCoords = BaseCoords();
        var amps = tensor(Enumerable.Range(0, Residues).Select(i => 30.0 + i).ToArray(), ScalarType.Float64);
        var rot = tensor(Rotations.FromRelionEuler(30, 50, -20), [1, 3, 3], ScalarType.Float64);
        var shift = tensor(new double[] { 1.5, -0.7 }, [1, 2], ScalarType.Float64);
        using var ctf = CtfBatch.From([new CtfParameters(8000, 7500, 30, 300, 2.7, 0.1)], CPU, ScalarType.Float64);
        var rng = new Random(5);
        var t = tensor(Enumerable.Range(0, Segments * 3).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), [1, Segments, 3], ScalarType.Float64).requires_grad_();
        var v = tensor(Enumerable.Range(0, Segments * 3).Select(_ => (rng.NextDouble() - 0.5) * 0.4).ToArray(), [1, Segments, 3], ScalarType.Float64).requires_grad_();
        Tensor target;
        using (no_grad())
        {
            // A target made from another motion, so the loss is not at a stationary point.
            var t2 = t * 1.7 + 0.5;
            target = LossTarget(seg, t2, v * -1.3, baseCoords, amps, rot, shift, ctf);
        }

        var loss = LossTensor(seg, t, v, target, baseCoords, amps, rot, shift, ctf);
        var segParams = seg.parameters().ToArray();
        foreach (var p in segParams) p.grad?.zero_();
        loss.backward();

        var leaves = segParams.Cast<Tensor>().Concat([t, v]).ToArray();
        int checkedCount = 0;
        foreach (var leaf in leaves)
        {
            var analytic = leaf.grad!.clone().flatten();
            var flat = leaf.detach().flatten();
            for (int i = 0; i < flat.shape[0]; i++)
            {
                double h = 1e-6;
                double orig = flat[i].ToDouble();
                using (no_grad())
                {
                    flat[i] = orig + h;
                    double up = Loss(seg, t, v, target, baseCoords, amps, rot, shift, ctf);
                    flat[i] = orig - h;
                    double down = Loss(seg, t, v, target, baseCoords, amps, rot, shift, ctf);
                    flat[i] = orig;
                    double numeric = (up - down) / (2 * h);
                    double a = analytic[i].ToDouble();
                    Assert.True(Math.Abs(a - numeric) <= 1e-6 + 1e-4 * Math.Abs(numeric), $"leaf {checkedCount}: autograd {a} vs finite difference {numeric}");
                }
            }
            checkedCount++;
        }
        Assert.Equal(segParams.Length + 2, checkedCount);
    }

    private static Tensor LossTarget(Segmentation seg, Tensor t, Tensor v, Tensor baseCoords, Tensor amps, Tensor rot, Tensor shift, CtfBatch ctf)
    {
        using var gen = new Generator(11, CPU);
        var g = seg.Sample(1, gen);
        var (axes, angles) = Rotations.AxisAngleFromVector(v);
        var coords = Deformation.Apply(baseCoords, g, axes, angles, t);
        return ImageFormation.Apply(GaussianRenderer.RotateAndProject(coords, rot, amps, 2.0, Grid, RenderMode.Full), ctf, shift, Grid);
    }
}
