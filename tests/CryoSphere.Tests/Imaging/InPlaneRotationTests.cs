using CryoSphere.Geometry;
using CryoSphere.Imaging;
using CryoSphere.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Imaging;

/// <summary>
/// <see cref="InPlaneRotation"/> against the renderer: an image made with the pose Rz(ψ)·M and turned back by the ψ
/// read from that pose is the image made with M (checked for random poses, for the poles, and with the opposite turn,
/// which must not match).
/// </summary>
public class InPlaneRotationTests
{
    private const int N = 64;
    private const double Apix = 2;

    private static (Tensor Coords, Tensor Amps) Ake()
    {
        var s = StructureReader.ReadStructure(TestData.Structure("1ake.pdb"), ["A"]);
        var c = s.Centroid();
        var xyz = (float[])s.Coordinates.Clone();
        for (int i = 0; i < xyz.Length; i += 3) { xyz[i] -= (float)c.X; xyz[i + 1] -= (float)c.Y; xyz[i + 2] -= (float)c.Z; }
        return (tensor(xyz, [s.Count, 3]), tensor(s.Amplitudes));
    }

    private static double Correlation(Tensor a, Tensor b)
    {
        Tensor x = a - a.mean(), y = b - b.mean();
        return ((x * y).sum() / ((x * x).sum() * (y * y).sum()).sqrt()).ToDouble();
    }

    [Fact]
    public void PsiIsTheAngleOfTheLastTurnAboutZ()
    {
        using var scope = NewDisposeScope();
        // R = Rz(ψ)·Ry(θ)·Rz(φ) from known angles, including the poles (θ 0 and π: ψ + φ, resp. ψ − φ + π, by the doc's rule).
        var cases = new (double Psi, double Theta, double Phi, double Expected)[]
        {
            (0.7, 1.1, -2.0, 0.7), (-2.5, 0.3, 0.4, -2.5), (3.0, 2.9, 1.0, 3.0), (0.5, 0, 0.8, 1.3), (0.5, Math.PI, 0.8, 0.5 - 0.8 + Math.PI),
        };
        var r = cases.SelectMany(k => Rotations.Multiply(Rotations.Rz(k.Psi), Rotations.Multiply(Rotations.Ry(k.Theta), Rotations.Rz(k.Phi)))).ToArray();
        var psi = InPlaneRotation.Psi(tensor(r, [cases.Length, 3, 3])).data<double>().ToArray();
        for (int i = 0; i < cases.Length; i++)
            Assert.Equal(0, Math.IEEERemainder(psi[i] - cases[i].Expected, 2 * Math.PI), 6);
    }

    [Fact]
    public void AnImageTurnedBackByItsPsiIsTheImageWithoutIt()
    {
        set_num_threads(1);
        using var scope = NewDisposeScope();
        var (coords, amps) = Ake();
        var grid = new ImageGrid(N, Apix);
        var rng = new Random(11);
        const int count = 6;
        var withPsi = new double[9 * count];
        var without = new double[9 * count];
        for (int i = 0; i < count; i++)
        {
            double[] r = i == 0 ? Rotations.Rz(0.9) : Rotations.UniformRandom(rng); // i = 0: a view along z
            double psi = i == 0 ? 0.9 : Math.Atan2(r[5], r[2]);
            Array.Copy(r, 0, withPsi, 9 * i, 9);
            Array.Copy(Rotations.Multiply(Rotations.Rz(-psi), r), 0, without, 9 * i, 9);
        }
        Tensor rWith = tensor(withPsi, [count, 3, 3]).to_type(ScalarType.Float32), rWithout = tensor(without, [count, 3, 3]).to_type(ScalarType.Float32);
        Tensor images = GaussianRenderer.RotateAndProject(coords, rWith, amps, 2.0, grid);
        Tensor expected = GaussianRenderer.RotateAndProject(coords, rWithout, amps, 2.0, grid);
        Tensor psiT = InPlaneRotation.Psi(rWith);
        Tensor turned = InPlaneRotation.TurnBack(images, psiT);
        Tensor wrongWay = InPlaneRotation.TurnBack(images, -psiT);
        for (int i = 0; i < count; i++)
        {
            double before = Correlation(images[i], expected[i]), after = Correlation(turned[i], expected[i]), wrong = Correlation(wrongWay[i], expected[i]);
            Assert.True(after > 0.995, $"image {i}: turned back r = {after:F4} (before {before:F4})");
            // The opposite turn (2ψ away) must not match, unless ψ is small enough that nothing tells them apart.
            if (Math.Abs(Math.Sin(psiT[i].ToDouble())) > 0.3) Assert.True(wrong < 0.95, $"image {i}: the opposite turn matched too (r = {wrong:F4})");
        }
    }

    [Fact]
    public void TurningBackByZeroChangesNothingAndAQuarterTurnMovesPixelsExactly()
    {
        using var scope = NewDisposeScope();
        var img = rand(new long[] { 1, 8, 8 }, generator: new TorchSharp.torch.Generator(3));
        Tensor same = InPlaneRotation.TurnBack(img, zeros(1));
        Assert.True(allclose(same, img, atol: 1e-5));
        // ψ = 90°: output at q = (x, y) is the input at Rz(90°)·q = (−y, x) about the centre pixel (4, 4).
        Tensor quarter = InPlaneRotation.TurnBack(img, tensor(new[] { Math.PI / 2 }, ScalarType.Float32));
        for (int row = 1; row < 8; row++)
            for (int col = 1; col < 8; col++)
            {
                int x = col - 4, y = row - 4, srcCol = -y + 4, srcRow = x + 4;
                Assert.Equal(img[0, srcRow, srcCol].ToSingle(), quarter[0, row, col].ToSingle(), 4);
            }
    }
}
