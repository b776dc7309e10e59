using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class CryoDrgnPickleTests
{
    private static void AssertOrthonormal(double[] rot, int n)
    {
        for (int k = 0; k < n; k++)
        {
            var r = rot.AsSpan(9 * k, 9);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double dot = r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
                    Assert.Equal(i == j ? 1.0 : 0.0, dot, 1e-5);
                }
            double det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
            Assert.Equal(1.0, det, 1e-4);
        }
    }

    [Theory]
    [InlineData("pose.star.pkl", 5, 8, 8)]
    [InlineData("toy_rot_trans.pkl", 1000, 4, 8)]
    [InlineData("hand_rot_trans.pkl", 100, 4, 4)]
    [InlineData("sta_pose.pkl", 219, 8, 8)]
    public void PosePicklesHaveTheirCountsDTypesAndOrthonormalRotations(string name, int n, int rotBytes, int transBytes)
    {
        string path = TestData.CryoDrgn(name);
        var raw = Assert.IsType<object[]>(CryoDrgnPickle.Load(path));
        var rot = Assert.IsType<NpyArray>(raw[0]);
        var trans = Assert.IsType<NpyArray>(raw[1]);
        Assert.Equal(new long[] { n, 3, 3 }, rot.Shape);
        Assert.Equal(new long[] { n, 2 }, trans.Shape);
        Assert.Equal(('f', rotBytes), (rot.DType.Kind, rot.DType.Size));
        Assert.Equal(('f', transBytes), (trans.DType.Kind, trans.DType.Size));

        var p = CryoDrgnPickle.ReadPoses(path);
        Assert.Equal(n, p.Count);
        Assert.Equal(9 * n, p.Rotations.Length);
        Assert.Equal(2 * n, p.Translations.Length);
        AssertOrthonormal(p.Rotations, n);
        // Translations are fractions of the box.
        Assert.All(p.Translations, t => Assert.InRange(t, -0.5, 0.5));
    }

    [Fact]
    public void PfCrtPoseTranslationsAreOriginOver300()
    {
        // FinalRefinement-OriginalParticles-PfCRT.star _rlnOriginX/Y of particles 1, 2 and 4; the pickle holds them / D (300).
        var p = CryoDrgnPickle.ReadPoses(TestData.CryoDrgn("pose.star.pkl"));
        (int Row, double X, double Y)[] star = [(0, -0.14063, -0.04688), (1, -0.14062, 0.046875), (3, 0.140625, 0.015625)];
        foreach (var (row, x, y) in star)
        {
            Assert.Equal(x, p.Translations[2 * row] * 300, 6);
            Assert.Equal(y, p.Translations[2 * row + 1] * 300, 6);
        }
    }

    [Theory]
    [InlineData("ctf1.pkl", 5, 300, 1.035)]
    [InlineData("test_ctf.100.pkl", 100, 30, 1.0)]
    [InlineData("sta_ctf.pkl", 219, 512, 1.82)]
    public void CtfPicklesHaveNineColumnsWithBoxAndPixelSize(string name, int n, double d, double apix)
    {
        var ctf = CryoDrgnPickle.ReadCtf(TestData.CryoDrgn(name));
        Assert.Equal(n, ctf.Count);
        Assert.Equal(9 * n, ctf.Rows.Length);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(d, ctf.Rows[9 * i], 4);
            Assert.Equal(apix, ctf.Rows[9 * i + 1], 4);
        }
    }

    [Fact]
    public void ToyCtfRowsMatchToyStar()
    {
        // toy.star: defocus 0, 300 kV, AC 0.1, Cs 0.001 mm, phase shift 90°.
        var ctf = CryoDrgnPickle.ReadCtf(TestData.CryoDrgn("test_ctf.100.pkl"));
        var c = CryoDrgnPickle.ToCtfParameters(ctf.Rows.AsSpan(9 * 42, 9));
        Assert.Equal(0, c.DefocusU, 3);
        Assert.Equal(0, c.DefocusV, 3);
        Assert.Equal(300, c.VoltageKv, 3);
        Assert.Equal(0.001, c.SphericalAberrationMm, 6);
        Assert.Equal(0.1, c.AmplitudeContrast, 6);
        Assert.Equal(90, c.PhaseShiftDeg, 4);
        Assert.Equal(0, c.BFactor);
        Assert.Equal(1, c.Scale);
    }

    [Fact]
    public void PfCrtCtfHas300kVAndStarDefocus()
    {
        var ctf = CryoDrgnPickle.ReadCtf(TestData.CryoDrgn("ctf1.pkl"));
        var c = CryoDrgnPickle.ToCtfParameters(ctf.Rows.AsSpan(0, 9));
        Assert.Equal(300, c.VoltageKv, 3);
        Assert.Equal(0.001, c.SphericalAberrationMm, 6);
        Assert.InRange(c.DefocusU, 1000, 100000);
        Assert.InRange(c.DefocusV, 1000, 100000);
    }

    [Fact]
    public void WrongKindOfPickleIsAnInputError()
    {
        var e = Assert.Throws<InputException>(() => CryoDrgnPickle.ReadCtf(TestData.CryoDrgn("pose.star.pkl")));
        Assert.Contains("pose.star.pkl", e.Message);
        e = Assert.Throws<InputException>(() => CryoDrgnPickle.ReadPoses(TestData.CryoDrgn("ctf1.pkl")));
        Assert.Contains("ctf1.pkl", e.Message);
    }

    [Fact]
    public void GarbageTruncatedEmptyAndMissingPicklesAreInputErrors()
    {
        string dir = TestData.TempDir();
        string garbage = Path.Combine(dir, "garbage.pkl"), cut = Path.Combine(dir, "cut.pkl"), empty = Path.Combine(dir, "empty.pkl");
        File.WriteAllText(garbage, "this is not a pickle at all");
        File.WriteAllBytes(cut, File.ReadAllBytes(TestData.CryoDrgn("sta_pose.pkl")).AsSpan(0, 5000).ToArray());
        File.WriteAllBytes(empty, []);
        foreach (var p in new[] { garbage, cut, empty, Path.Combine(dir, "missing.pkl") })
        {
            var e = Assert.Throws<InputException>(() => CryoDrgnPickle.ReadPoses(p));
            Assert.Contains(Path.GetFileName(p), e.Message);
        }
    }
}
