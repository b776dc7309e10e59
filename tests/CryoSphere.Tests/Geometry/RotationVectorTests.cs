using CryoSphere.Model;
using CryoSphere.Tests.Model;
using TorchSharp;
using CryoSphere.Geometry;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Geometry;

public class RotationVectorTests
{
    [Fact]
    public void ZeroVectorGivesIdentityQuaternionAndZeroAngle()
    {
        using var scope = torch.NewDisposeScope();
        Tensor v = torch.zeros(2, 3);
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0 }, Rotations.QuaternionFromVector(v).data<float>().ToArray());
        var (axis, angle) = Rotations.AxisAngleFromVector(v);
        Assert.All(angle.data<float>().ToArray(), a => Assert.Equal(0f, a, 1e-9f));
        Assert.All(axis.data<float>().ToArray(), a => Assert.True(float.IsFinite(a)));
    }

    [Fact]
    public void AngleIsTwiceArctanOfNormAndAxisIsUnit()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        Tensor v = torch.randn(5, 3, dtype: ScalarType.Float64) * 2;
        var (axis, angle) = Rotations.AxisAngleFromVector(v);
        double[] vs = v.data<double>().ToArray(), ax = axis.data<double>().ToArray(), an = angle.data<double>().ToArray();
        for (int i = 0; i < 5; i++)
        {
            double n = Math.Sqrt(vs[3 * i] * vs[3 * i] + vs[3 * i + 1] * vs[3 * i + 1] + vs[3 * i + 2] * vs[3 * i + 2]);
            Assert.Equal(2 * Math.Atan(n), an[i], 12);
            for (int c = 0; c < 3; c++) Assert.Equal(vs[3 * i + c] / n, ax[3 * i + c], 12);
        }
        // q = (cos δ/2, axis·sin δ/2).
        Tensor q = Rotations.QuaternionFromVector(v);
        Tensor expected = torch.cat(new[] { (angle / 2).cos().unsqueeze(-1), axis * (angle / 2).sin().unsqueeze(-1) }, -1);
        Assert.True(q.allclose(expected, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void RotationMatrixIsOrthonormalWithUnitDeterminant()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        Tensor m = Rotations.FromQuaternions(Rotations.QuaternionFromVector(torch.randn(4, 3, dtype: ScalarType.Float64) * 3));
        Tensor eye = torch.eye(3, dtype: ScalarType.Float64).expand(4, 3, 3);
        Assert.True(m.matmul(m.transpose(1, 2)).allclose(eye, rtol: 0, atol: 1e-12));
        Assert.True(torch.linalg.det(m).allclose(torch.ones(4, dtype: ScalarType.Float64), rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void RotationThroughAxisAngleHasTheRightGradientAtZero()
    {
        using var scope = torch.NewDisposeScope();
        Tensor v = GradCheck.Leaf(torch.zeros(1, 1, 3));
        Tensor x = torch.tensor(new double[] { 1.5, -2, 0.7, 0.3, 1, -1 }).reshape(2, 3);
        Tensor w = torch.tensor(new double[] { 0.2, 1.1, -0.4, 0.9, -0.3, 0.5 }).reshape(1, 2, 3);
        Tensor g = torch.tensor(new double[] { 1.0, 0.6 }).reshape(1, 2, 1);
        Tensor F()
        {
            var (axis, angle) = Rotations.AxisAngleFromVector(v);
            return (Deformation.Apply(x, g, axis, angle, torch.zeros(1, 1, 3, dtype: ScalarType.Float64)) * w).sum();
        }
        double max = GradCheck.Check(F, v, h: 1e-7);
        Assert.True(max > 0.1, "rotation must respond to v at v = 0");
    }
}
