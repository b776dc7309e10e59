using CryoSphere.Model;
using TorchSharp;
using CryoSphere.Geometry;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

public class DeformationTests
{
    private static Tensor D(params double[] v) => torch.tensor(v);

    [Fact]
    public void OneSegmentWithFullMembershipIsARigidRotation()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        Tensor x = torch.randn(6, 3, dtype: ScalarType.Float64) * 10;
        Tensor v = D(0.3, -0.8, 0.5).reshape(1, 1, 3);
        var (axis, angle) = Rotations.AxisAngleFromVector(v);
        Tensor g = torch.ones(1, 6, 1, dtype: ScalarType.Float64);
        Tensor moved = Deformation.Apply(x, g, axis, angle, torch.zeros(1, 1, 3, dtype: ScalarType.Float64));

        // Explicit matrix from the same axis and angle (Rodrigues in matrix form).
        double[] a = axis.reshape(3).data<double>().ToArray();
        double th = angle.ToDouble(), c = Math.Cos(th), s = Math.Sin(th);
        double[,] k = { { 0, -a[2], a[1] }, { a[2], 0, -a[0] }, { -a[1], a[0], 0 } };
        var m = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                m[3 * i + j] = (i == j ? c : 0) + s * k[i, j] + (1 - c) * a[i] * a[j];
        Tensor expected = x.matmul(torch.tensor(m).reshape(3, 3).T).unsqueeze(0);
        Assert.True(moved.allclose(expected, rtol: 0, atol: 1e-10));
        // and the quaternion's matrix agrees.
        Tensor qm = Rotations.FromQuaternions(Rotations.QuaternionFromVector(v.reshape(3)));
        Assert.True(moved.allclose(x.matmul(qm.T).unsqueeze(0), rtol: 0, atol: 1e-10));
    }

    [Fact]
    public void ZeroMembershipMeansNoMotion()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.randn(5, 3, dtype: ScalarType.Float64);
        Tensor moved = Deformation.Apply(x, torch.zeros(2, 5, 2, dtype: ScalarType.Float64),
            torch.tensor(new double[] { 1, 0, 0, 0, 1, 0 }).reshape(1, 2, 3).expand(2, 2, 3),
            torch.full(2, 2, 1.2, dtype: ScalarType.Float64), torch.full(2, 2, 3, 7.0, dtype: ScalarType.Float64));
        Assert.True(moved.allclose(x.unsqueeze(0).expand(2, 5, 3), rtol: 0, atol: 0));
    }

    [Fact]
    public void TranslationsAddWeightedByMembership()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.randn(4, 3, dtype: ScalarType.Float64);
        Tensor g = torch.rand(1, 4, 2, dtype: ScalarType.Float64);
        Tensor t = D(1, 2, 3, -4, 0, 5).reshape(1, 2, 3);
        Tensor moved = Deformation.Apply(x, g, torch.zeros(1, 2, 3, dtype: ScalarType.Float64),
            torch.zeros(1, 2, dtype: ScalarType.Float64), t);
        double[] gv = g.data<double>().ToArray(), xv = x.data<double>().ToArray(), mv = moved.data<double>().ToArray();
        double[] tv = { 1, 2, 3, -4, 0, 5 };
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(xv[3 * r + c] + gv[2 * r] * tv[c] + gv[2 * r + 1] * tv[3 + c], mv[3 * r + c], 12);
    }

    [Fact]
    public void SegmentsRotateSuccessivelyInOrder()
    {
        using var scope = torch.NewDisposeScope();
        // 90° about z then 90° about x: (1,0,0) → (0,1,0) → (0,0,1); the other order would give (0,1,0).
        Tensor x = D(1, 0, 0).reshape(1, 3);
        Tensor axes = D(0, 0, 1, 1, 0, 0).reshape(1, 2, 3);
        Tensor angles = torch.full(1, 2, Math.PI / 2, dtype: ScalarType.Float64);
        Tensor moved = Deformation.Apply(x, torch.ones(1, 1, 2, dtype: ScalarType.Float64), axes, angles,
            torch.zeros(1, 2, 3, dtype: ScalarType.Float64));
        Assert.True(moved.reshape(3).allclose(D(0, 0, 1), rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        Tensor x = GradCheck.Leaf(torch.randn(4, 3) * 5);
        Tensor g = GradCheck.Leaf(torch.rand(2, 4, 2));
        Tensor v = GradCheck.Leaf(torch.randn(2, 2, 3));
        Tensor t = GradCheck.Leaf(torch.randn(2, 2, 3));
        Tensor w = torch.randn(2, 4, 3, dtype: ScalarType.Float64);
        Tensor F()
        {
            var (axis, angle) = Rotations.AxisAngleFromVector(v);
            return (Deformation.Apply(x, g, axis, angle, t) * w).sum();
        }
        foreach (Tensor p in new[] { x, g, v, t })
            Assert.True(GradCheck.Check(F, p) > 1e-3);
    }

    [Theory]
    [InlineData(1, ScalarType.Float64)]
    [InlineData(2, ScalarType.Float64)]
    [InlineData(3, ScalarType.Float64)]
    [InlineData(6, ScalarType.Float64)]
    [InlineData(7, ScalarType.Float64)]
    [InlineData(20, ScalarType.Float64)]
    [InlineData(6, ScalarType.Float32)]
    [InlineData(20, ScalarType.Float32)]
    public void TreeProductEqualsTheSegmentBySegmentLoop(int k, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11 + k);
        // Box-sized coordinates, soft and nearly one-hot memberships (softmax at τ = 0.05), large angles.
        Tensor x = (torch.randn(50, 3, dtype: ScalarType.Float64) * 40).to_type(dtype).requires_grad_(true);
        Tensor g = torch.softmax(torch.randn(3, 50, k, dtype: ScalarType.Float64) / (k % 2 == 0 ? 0.05 : 1.0), -1).to_type(dtype).requires_grad_(true);
        Tensor v = (torch.randn(3, k, 3, dtype: ScalarType.Float64) * 2).to_type(dtype).requires_grad_(true);
        Tensor t = torch.randn(3, k, 3, dtype: ScalarType.Float64).to_type(dtype).requires_grad_(true);
        Tensor w = torch.randn(3, 50, 3, dtype: ScalarType.Float64).to_type(dtype);
        var leaves = new[] { x, g, v, t };
        (Tensor Value, Tensor[] Grads) Run(Func<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> f)
        {
            var (axis, angle) = Rotations.AxisAngleFromVector(v);
            Tensor y = f(x, g, axis, angle, t);
            var grads = torch.autograd.grad([(y * w).sum()], leaves);
            return (y.detach(), grads.Select(q => q.detach()).ToArray());
        }
        var (y0, g0) = Run(Deformation.ApplySequential);
        double tol = dtype == ScalarType.Float64 ? 1e-10 : 1e-5;
        // Both CPU formulations: the one-node rotation chain (RotationChain) and the quaternion tree (other devices).
        foreach (bool chain in new[] { true, false })
        {
            var (y1, g1) = Run((a, b, c, d, e) => Deformation.Apply(a, b, c, d, e, 1L << 20, chain));
            // Relative to the coordinates' scale (40 Å) for values, to each gradient's largest entry for gradients.
            Assert.True((y1 - y0).abs().max().ToDouble() <= tol * 40 * 4, $"chain {chain}: values differ by {(y1 - y0).abs().max().ToDouble()}");
            for (int i = 0; i < leaves.Length; i++)
            {
                double scale = Math.Max(1, g0[i].abs().max().ToDouble());
                double diff = (g1[i] - g0[i]).abs().max().ToDouble();
                Assert.True(diff <= tol * scale * 4, $"chain {chain}: gradient {i} differs by {diff} (scale {scale})");
            }
        }
    }

    [Fact]
    public void ResidueChunksGiveTheWholeTensorsValuesAndGradients()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        const int k = 5;
        Tensor x = (torch.randn(23, 3, dtype: ScalarType.Float64) * 40).requires_grad_(true);
        Tensor g = torch.softmax(torch.randn(3, 23, k, dtype: ScalarType.Float64) / 0.3, -1).requires_grad_(true);
        Tensor v = (torch.randn(3, k, 3, dtype: ScalarType.Float64) * 2).requires_grad_(true);
        Tensor t = torch.randn(3, k, 3, dtype: ScalarType.Float64).requires_grad_(true);
        Tensor w = torch.randn(3, 23, 3, dtype: ScalarType.Float64);
        var leaves = new[] { x, g, v, t };
        (Tensor Value, Tensor[] Grads) Run(long chunkElements)
        {
            var (axis, angle) = Rotations.AxisAngleFromVector(v);
            Tensor y = Deformation.Apply(x, g, axis, angle, t, chunkElements);
            var grads = torch.autograd.grad([(y * w).sum()], leaves);
            return (y.detach(), grads.Select(q => q.detach()).ToArray());
        }
        var (whole, wholeGrads) = Run(long.MaxValue);
        // K·B = 15 elements per residue: 105 → chunks of 7 residues (23 = 7 + 7 + 7 + 2); 15 → one residue each.
        foreach (long chunkElements in new[] { 105L, 15L })
        {
            var (y, grads) = Run(chunkElements);
            Assert.True((y - whole).abs().max().ToDouble() < 1e-12);
            for (int i = 0; i < leaves.Length; i++)
                Assert.True((grads[i] - wholeGrads[i]).abs().max().ToDouble() < 1e-12, $"gradient {i}, chunks of {chunkElements}");
        }
    }
}
