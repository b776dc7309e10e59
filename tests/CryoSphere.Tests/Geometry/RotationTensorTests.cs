using CryoSphere.Geometry;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Geometry;

public class RotationTensorTests
{
    [Fact]
    public void BatchedQuaternionsMatchDoubleMath()
    {
        using var scope = NewDisposeScope();
        var rng = new Random(2);
        var q = new double[6 * 4];
        for (int i = 0; i < q.Length; i++) q[i] = rng.NextDouble() * 2 - 1;
        Tensor m = Rotations.FromQuaternions(tensor(q).reshape(2, 3, 4));
        Assert.Equal(new long[] { 2, 3, 3, 3 }, m.shape);
        double[] got = m.data<double>().ToArray();
        for (int b = 0; b < 6; b++)
        {
            double[] expected = Rotations.FromQuaternion(q[4 * b], q[4 * b + 1], q[4 * b + 2], q[4 * b + 3]);
            for (int i = 0; i < 9; i++) Assert.Equal(expected[i], got[9 * b + i], 12);
        }
    }

    [Fact]
    public void AxisAngleMatchesDoubleMathAndIsDifferentiable()
    {
        using var scope = NewDisposeScope();
        double[] axis = { 0.6, 0, 0.8, 0, 1, 0 };
        double[] angles = { 0.7, -2.0 };
        Tensor a = tensor(axis).reshape(2, 3);
        Tensor th = tensor(angles).requires_grad_(true);
        Tensor m = Rotations.FromAxisAngles(a, th);
        double[] got = m.data<double>().ToArray();
        for (int b = 0; b < 2; b++)
        {
            double[] expected = Rotations.FromAxisAngle(new[] { axis[3 * b], axis[3 * b + 1], axis[3 * b + 2] }, angles[b]);
            for (int i = 0; i < 9; i++) Assert.Equal(expected[i], got[9 * b + i], 12);
        }
        // d/dθ trace R = −2 sin θ.
        m.select(0, 0).trace().backward();
        Assert.Equal(-2 * Math.Sin(0.7), th.grad!.data<double>()[0], 10);
    }
}
