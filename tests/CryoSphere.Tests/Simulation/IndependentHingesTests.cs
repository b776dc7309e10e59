using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Simulation;
using CryoSphere.IO;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Simulation;

public class IndependentHingesTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");
    // LID about A:118→A:167 and NMP-binding domain about A:29→A:60 of adenylate kinase, each with its own range.
    private const string Lid = "A:122-159;A:118,A:167;-45,45";
    private const string Nmp = "A:30-59;A:29,A:60;-20,10";

    private static (CliRunner.Result Result, string Dir) Simulate(params string[] extra)
    {
        string dir = TestData.TempDir("sim2");
        string[] args = ["simulate", "--structure", Ake, "--chains", "A", "--npix", "32", "--apix", "3", "--out", dir, .. extra];
        return (CliRunner.Run(args), dir);
    }

    [Fact]
    public void TwoHingesGiveTwoTruthColumnsInTheirOwnRanges()
    {
        var (r, dir) = Simulate("--hinge", Lid, "--hinge", Nmp, "--n-images", "60", "--no-noise");
        Assert.True(r.ExitCode == 0, r.Err);
        var truth = TruthTable.Read(Path.Combine(dir, "truth.csv"));
        Assert.Equal(["angle_deg_1", "angle_deg_2"], truth.Names);
        Assert.StartsWith("index,angle_deg_1,angle_deg_2,rot,", File.ReadLines(Path.Combine(dir, "truth.csv")).First());
        Assert.All(truth.Columns[0], a => Assert.InRange(a, -45, 45));
        Assert.All(truth.Columns[1], a => Assert.InRange(a, -20, 10));
        // Each hinge draws its own angle: the two columns are not one function of the other.
        Assert.NotEqual(truth.Columns[0].Select(Math.Sign), truth.Columns[1].Select(Math.Sign));
        Assert.Equal(60, ParticleDataset.Open(Path.Combine(dir, "particles.star")).Count);
    }

    [Fact]
    public void EachHingeRotatesOnlyItsResiduesByItsOwnAngleAboutItsAxis()
    {
        var (r, dir) = Simulate("--hinge", Lid, "--hinge", Nmp, "--n-images", "2", "--no-noise");
        Assert.True(r.ExitCode == 0, r.Err);
        var family = Simulator.TruthFamily(Simulator.ReadOptions(dir));
        var s = family.Base;
        double a1 = 30, a2 = -15;
        float[] x = family.State([a1, a2]);
        int[] lid = StructureSelection.Parse(s, "A:122-159"), nmp = StructureSelection.Parse(s, "A:30-59");
        var moving = lid.Concat(nmp).ToHashSet();
        for (int i = 0; i < s.Count; i++)
            if (!moving.Contains(i))
                for (int k = 0; k < 3; k++) Assert.Equal(s.Coordinates[3 * i + k], x[3 * i + k], 1e-4);
        Assert.Equal(a1, AngleAbout(s, x, lid, "A:118", "A:167"), 1e-2);
        Assert.Equal(a2, AngleAbout(s, x, nmp, "A:29", "A:60"), 1e-2);
    }

    [Fact]
    public void NoiseFreeImageIsTheRenderingOfBothTrueAngles()
    {
        var (r, dir) = Simulate("--hinge", Lid, "--hinge", Nmp, "--n-images", "3", "--no-noise", "--shift-max", "4");
        Assert.True(r.ExitCode == 0, r.Err);
        var o = Simulator.ReadOptions(dir);
        var family = Simulator.TruthFamily(o);
        var truth = TruthTable.Read(Path.Combine(dir, "truth.csv"));
        using var ds = ParticleDataset.Open(Path.Combine(dir, "particles.star"));
        var grid = new ImageGrid(32, 3.0);
        var image = new float[32 * 32];
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            var p = ds.Table.PoseOf(i);
            using var ctf = CtfBatch.From([ds.Table.Ctf![i]], CPU);
            var mine = ImageFormation.Apply(GaussianRenderer.RotateAndProject(
                tensor(family.State(truth.Row(i)), [1, family.Base.Count, 3]), tensor(p.Rotation.Select(v => (float)v).ToArray(), [1, 3, 3]),
                tensor(family.Base.Amplitudes), o.Sigma, grid), ctf, tensor(new[] { (float)p.ShiftXA, (float)p.ShiftYA }, [1, 2]), grid)
                .contiguous().data<float>().ToArray();
            ds.ReadImage(i, image);
            double diff = 0, norm = 0;
            for (int k = 0; k < image.Length; k++) { diff += Math.Pow(image[k] - mine[k], 2); norm += mine[k] * mine[k]; }
            Assert.True(Math.Sqrt(diff / norm) < 1e-4, $"image {i}");
        }
    }

    [Fact]
    public void OneHingeFlagIsTheSameDatasetAsSelectAndAxis()
    {
        var (r1, a) = Simulate("--hinge", "A:122-159;A:118,A:167;0,30", "--n-images", "10", "--seed", "3");
        var (r2, b) = Simulate("--select", "A:122-159", "--axis", "A:118,A:167", "--angle-range=0,30", "--n-images", "10", "--seed", "3");
        Assert.True(r1.ExitCode == 0 && r2.ExitCode == 0, r1.Err + r2.Err);
        foreach (var f in new[] { "particles.mrcs", "particles.star", "truth.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(b, f)), File.ReadAllBytes(Path.Combine(a, f)));
        Assert.StartsWith("index,angle_deg,rot,", File.ReadLines(Path.Combine(a, "truth.csv")).First());
    }

    [Theory]
    [InlineData("A:122-159;A:118,A:167;-45,45", "A:150-170;;0,10", "overlaps")]
    [InlineData("A:122-159;A:118,A:167;45,-45", "A:30-59", "a ≤ b")]
    [InlineData("A:122-159;A:118,A:167;x,1", "A:30-59", "'x' is not a number")]
    [InlineData("A:122-159;A:118;-45,45", "A:30-59", "--axis")]
    [InlineData("A:122-159;A:118,A:167;-45,45;extra", "A:30-59", "SELECTION;AXIS;LO,HI")]
    public void BadHingesAreOneLine(string h1, string h2, string mention)
    {
        var (r, _) = Simulate("--hinge", h1, "--hinge", h2, "--n-images", "2");
        CliRunner.AssertOneLineError(r, mention);
    }

    [Fact]
    public void HingeWithSelectStatesOrAnotherMotionIsOneLine()
    {
        CliRunner.AssertOneLineError(Simulate("--hinge", Lid, "--select", "A:30-59", "--n-images", "2").Result, "--hinge");
        CliRunner.AssertOneLineError(Simulate("--hinge", Lid, "--hinge", Nmp, "--states", "0,10", "--n-images", "2").Result, "--states");
        CliRunner.AssertOneLineError(Simulate("--motion", "interpolate", "--structure-end", Ake, "--hinge", Lid, "--n-images", "2").Result, "--motion hinge");
    }

    /// <summary>Rotation (degrees, right-hand about first → second residue) that takes the selection's centroid from base to moved.</summary>
    private static double AngleAbout(Structure s, float[] moved, int[] sel, string from, string to)
    {
        int p = StructureSelection.Parse(s, from)[0], q = StructureSelection.Parse(s, to)[0];
        double[] o = [s.Coordinates[3 * p], s.Coordinates[3 * p + 1], s.Coordinates[3 * p + 2]];
        double[] u = [s.Coordinates[3 * q] - o[0], s.Coordinates[3 * q + 1] - o[1], s.Coordinates[3 * q + 2] - o[2]];
        double n = Math.Sqrt(u.Sum(v => v * v));
        u = u.Select(v => v / n).ToArray();
        double[] Perp(float[] c)
        {
            double[] m = new double[3];
            foreach (int i in sel) for (int k = 0; k < 3; k++) m[k] += (c[3 * i + k] - o[k]) / sel.Length;
            double d = m[0] * u[0] + m[1] * u[1] + m[2] * u[2];
            return [m[0] - d * u[0], m[1] - d * u[1], m[2] - d * u[2]];
        }
        double[] a = Perp(s.Coordinates), b = Perp(moved);
        double[] cross = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
        double sin = cross[0] * u[0] + cross[1] * u[1] + cross[2] * u[2];
        double cos = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        return Math.Atan2(sin, cos) * 180 / Math.PI;
    }
}
