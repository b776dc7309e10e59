using CryoSphere.Geometry;

namespace CryoSphere.Tests.Geometry;

public class RotationsTests
{
    private static void AssertMatrix(double[] expected, double[] actual, double tol = 1e-12)
    {
        Assert.Equal(9, actual.Length);
        for (int i = 0; i < 9; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"entry {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void RotOnlyIsTransposedRz()
    {
        // Rz(90) = [[0,-1,0],[1,0,0],[0,0,1]]; R is its transpose.
        AssertMatrix(new double[] { 0, 1, 0, -1, 0, 0, 0, 0, 1 }, Rotations.FromRelionEuler(90, 0, 0));
    }

    [Fact]
    public void TiltOnlyIsTransposedRy()
    {
        // Ry(90) = [[0,0,1],[0,1,0],[-1,0,0]].
        AssertMatrix(new double[] { 0, 0, -1, 0, 1, 0, 1, 0, 0 }, Rotations.FromRelionEuler(0, 90, 0));
    }

    [Fact]
    public void PsiOnlyIsTransposedRz()
    {
        AssertMatrix(new double[] { 0, 1, 0, -1, 0, 0, 0, 0, 1 }, Rotations.FromRelionEuler(0, 0, 90));
    }

    [Fact]
    public void AllNinetyWorkedByHand()
    {
        // Rz90·Ry90 = [[0,-1,0],[0,0,1],[-1,0,0]]; ·Rz90 = [[-1,0,0],[0,0,1],[0,1,0]] (symmetric).
        AssertMatrix(new double[] { -1, 0, 0, 0, 0, 1, 0, 1, 0 }, Rotations.FromRelionEuler(90, 90, 90));
    }

    [Fact]
    public void GeneralTripleMatchesExplicitProduct()
    {
        double a = 30 * Math.PI / 180, b = 40 * Math.PI / 180, c = -110 * Math.PI / 180;
        double[,] rz1 = { { Math.Cos(a), -Math.Sin(a), 0 }, { Math.Sin(a), Math.Cos(a), 0 }, { 0, 0, 1 } };
        double[,] ry = { { Math.Cos(b), 0, Math.Sin(b) }, { 0, 1, 0 }, { -Math.Sin(b), 0, Math.Cos(b) } };
        double[,] rz2 = { { Math.Cos(c), -Math.Sin(c), 0 }, { Math.Sin(c), Math.Cos(c), 0 }, { 0, 0, 1 } };
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++)
                    for (int l = 0; l < 3; l++)
                        m[i, j] += rz1[i, k] * ry[k, l] * rz2[l, j];
        var expected = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                expected[3 * i + j] = m[j, i];
        AssertMatrix(expected, Rotations.FromRelionEuler(30, 40, -110));
    }

    [Fact]
    public void EulerMatricesAreProperRotations()
    {
        var rng = new Random(3);
        for (int t = 0; t < 50; t++)
        {
            double[] r = Rotations.FromRelionEuler(rng.NextDouble() * 360 - 180, rng.NextDouble() * 180, rng.NextDouble() * 360 - 180);
            AssertMatrix(Rotations.Identity(), Rotations.Multiply(r, Rotations.Transpose(r)));
            Assert.Equal(1.0, Rotations.Determinant(r), 12);
        }
    }

    [Theory]
    [InlineData(10, 20, 30)]
    [InlineData(-170, 95, 160)]
    [InlineData(45, 179.9, -60)]
    [InlineData(0, 0.001, 0)]
    public void EulerRoundTrip(double rot, double tilt, double psi)
    {
        double[] r = Rotations.FromRelionEuler(rot, tilt, psi);
        var (r2, t2, p2) = Rotations.ToRelionEuler(r);
        Assert.Equal(rot, r2, 8);
        Assert.Equal(tilt, t2, 8);
        Assert.Equal(psi, p2, 8);
    }

    [Theory]
    [InlineData(40, 0, 25)]
    [InlineData(40, 180, 25)]
    [InlineData(-100, 0, -100)]
    [InlineData(10, 180, 170)]
    public void GimbalAnglesGiveTheSameMatrix(double rot, double tilt, double psi)
    {
        double[] r = Rotations.FromRelionEuler(rot, tilt, psi);
        var (r2, t2, p2) = Rotations.ToRelionEuler(r);
        Assert.Equal(tilt, t2, 9);
        Assert.Equal(0, p2);
        AssertMatrix(r, Rotations.FromRelionEuler(r2, t2, p2), 1e-12);
    }

    [Fact]
    public void RandomRotationsRoundTripThroughEulerAndQuaternion()
    {
        var rng = new Random(5);
        for (int t = 0; t < 200; t++)
        {
            double[] r = Rotations.UniformRandom(rng);
            var (rot, tilt, psi) = Rotations.ToRelionEuler(r);
            AssertMatrix(r, Rotations.FromRelionEuler(rot, tilt, psi), 1e-9);
            var (w, x, y, z) = Rotations.ToQuaternion(r);
            Assert.True(w >= 0);
            Assert.Equal(1.0, w * w + x * x + y * y + z * z, 12);
            AssertMatrix(r, Rotations.FromQuaternion(w, x, y, z), 1e-12);
        }
    }

    [Fact]
    public void AxisAngleHandCases()
    {
        // 90° about z takes x to y.
        AssertMatrix(new double[] { 0, -1, 0, 1, 0, 0, 0, 0, 1 }, Rotations.FromAxisAngle(new double[] { 0, 0, 2 }, Math.PI / 2));
        // 120° about (1,1,1) permutes x → y → z → x.
        AssertMatrix(new double[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, Rotations.FromAxisAngle(new double[] { 1, 1, 1 }, 2 * Math.PI / 3));
        // Quaternion of 90° about x: (cos 45°, sin 45°, 0, 0) takes y to z.
        double h = Math.Sqrt(0.5);
        AssertMatrix(new double[] { 1, 0, 0, 0, 0, -1, 0, 1, 0 }, Rotations.FromQuaternion(h, h, 0, 0));
    }

    [Fact]
    public void CryoSparcRotationVectorIsTransposedRodrigues()
    {
        // ω = (0, 0, π/2): Rodrigues(ω) = Rz(90°), cryoSPARC's pose is its transpose.
        AssertMatrix(new double[] { 0, 1, 0, -1, 0, 0, 0, 0, 1 }, Rotations.FromCryoSparcRotationVector(0, 0, Math.PI / 2));
        double[] axis = { 0.3, -0.5, 0.8 };
        double n = Math.Sqrt(0.98), angle = 1.1;
        double[] viaAxis = Rotations.Transpose(Rotations.FromAxisAngle(axis, angle));
        AssertMatrix(viaAxis, Rotations.FromCryoSparcRotationVector(axis[0] / n * angle, axis[1] / n * angle, axis[2] / n * angle));
        AssertMatrix(Rotations.Identity(), Rotations.FromCryoSparcRotationVector(0, 0, 0));
    }

    [Fact]
    public void UniformSamplerHasZeroMeanMatrix()
    {
        var rng = new Random(11);
        var sum = new double[9];
        const int n = 20000;
        for (int t = 0; t < n; t++)
        {
            double[] r = Rotations.UniformRandom(rng);
            for (int i = 0; i < 9; i++) sum[i] += r[i];
        }
        // Each entry has variance 1/3, so the mean's standard error is 0.004.
        for (int i = 0; i < 9; i++) Assert.True(Math.Abs(sum[i] / n) < 0.02, $"entry {i} mean {sum[i] / n}");
    }

    [Fact]
    public void BadMatrixIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Rotations.Multiply(new double[4], Rotations.Identity()));
    }
}
