using System.Globalization;
using System.Text.Json;
using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Simulation;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Simulation;

public class SimulateCommandTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    /// <summary>A small hinge simulation of 1AKE chain A (LID domain about A:118–A:167).</summary>
    private static (CliRunner.Result Result, string Dir) Hinge(params string[] extra)
    {
        string dir = TestData.TempDir("sim");
        string[] args =
        [
            "simulate", "--structure", Ake, "--chains", "A", "--select", "A:122-159", "--axis", "A:118,A:167",
            "--npix", "32", "--apix", "3", "--out", dir, .. extra,
        ];
        return (CliRunner.Run(args), dir);
    }

    [Fact]
    public void WrittenStarAndStackReadBackWithTheRequestedSettings()
    {
        var (r, dir) = Hinge("--n-images", "40", "--kv", "200", "--cs", "2.0", "--amp-contrast", "0.07", "--shift-max", "4");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("wrote 40 images of 32 px (214 residues)", r.Out);
        foreach (var f in new[] { "particles.mrcs", "particles.star", "base.pdb", "truth.csv", "simulation.json", "parameters.yaml", "images.yaml" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);

        using var ds = ParticleDataset.Open(Path.Combine(dir, "particles.star"), new ParticleOpenOptions { RequirePoses = true, RequireCtf = true });
        Assert.Equal("RELION 3.1+ STAR", ds.Table.Format);
        Assert.Equal(40, ds.Count);
        Assert.Equal(32, ds.BoxSize);
        Assert.Equal(3.0, ds.PixelSize, 1e-12);
        Assert.Empty(ds.Table.Warnings);
        var g = Assert.Single(ds.Table.Optics);
        Assert.Equal(200, g.VoltageKv, 1e-9);
        Assert.Equal(2.0, g.SphericalAberrationMm, 1e-9);
        Assert.Equal(0.07, g.AmplitudeContrast, 1e-9);
        Assert.All(ds.Table.Ctf!, c => Assert.InRange(c.DefocusU, 10000, 25000));
        Assert.All(ds.Table.ShiftsA!, s => Assert.InRange(s, -4, 4));
        Assert.Equal(Enumerable.Range(0, 40), ds.Table.StackIndex);
        Assert.Equal(41, File.ReadAllLines(Path.Combine(dir, "truth.csv")).Length);
        Assert.Equal(214, StructureReader.ReadStructure(Path.Combine(dir, "base.pdb")).Count);

        var info = CliRunner.Run("info", Path.Combine(dir, "particles.star"));
        Assert.True(info.ExitCode == 0, info.Err);
        Assert.Contains("40 particles in 1 stack(s), 32 px images", info.Out);
    }

    [Fact]
    public void NoiseFreeImageIsTheRenderingOfItsTruthAndPose()
    {
        var (r, dir) = Hinge("--n-images", "6", "--no-noise", "--shift-max", "6", "--astigmatism", "500", "--seed", "5");
        Assert.True(r.ExitCode == 0, r.Err);
        var opts = Simulator.ReadOptions(dir);
        var (baseStructure, state) = Simulator.Truth(opts);
        string[] truth = File.ReadAllLines(Path.Combine(dir, "truth.csv"));
        Assert.StartsWith("index,angle_deg,", truth[0]);
        using var ds = ParticleDataset.Open(Path.Combine(dir, "particles.star"));
        using var stack = MrcStack.Open(Path.Combine(dir, "particles.mrcs"));
        var grid = new ImageGrid(32, 3.0);
        var image = new float[32 * 32];
        foreach (int i in new[] { 0, 5 })
        {
            double angle = double.Parse(truth[i + 1].Split(',')[1], CultureInfo.InvariantCulture);
            Assert.InRange(angle, 0, 30);
            float[] x = state(angle);
            var pose = ds.Table.PoseOf(i);
            Assert.NotEqual(0, pose.ShiftXA);
            using var scope = NewDisposeScope();
            var coords = tensor(x, [1, baseStructure.Count, 3]);
            var rot = tensor(pose.Rotation.Select(v => (float)v).ToArray(), [1, 3, 3]);
            var shifts = tensor(new[] { (float)pose.ShiftXA, (float)pose.ShiftYA }, [1, 2]);
            using var ctf = CtfBatch.From([ds.Table.Ctf![i]], CPU);
            var rendered = ImageFormation.Apply(
                GaussianRenderer.RotateAndProject(coords, rot, tensor(baseStructure.Amplitudes), opts.Sigma, grid), ctf, shifts, grid);
            float[] mine = rendered.contiguous().data<float>().ToArray();
            stack.ReadImage(i, image);
            double diff = 0, norm = 0;
            for (int p = 0; p < image.Length; p++) { diff += (image[p] - mine[p]) * (image[p] - mine[p]); norm += mine[p] * mine[p]; }
            Assert.True(norm > 0);
            Assert.True(Math.Sqrt(diff / norm) < 1e-4, $"image {i}: relative error {Math.Sqrt(diff / norm)}");
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.01)]
    public void RealisedSnrIsWithinTenPercentOfTheRequest(double snr)
    {
        var (r, dir) = Hinge("--n-images", "200", "--snr", snr.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.Err);
        var m = System.Text.RegularExpressions.Regex.Match(r.Out, @"realised SNR (\S+) \(requested (\S+)\)");
        Assert.True(m.Success, r.Out);
        double printed = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(snr, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 1e-12);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "simulation.json")));
        double stored = doc.RootElement.GetProperty("result").GetProperty("RealisedSnr").GetDouble();
        Assert.Equal(stored, printed, stored * 1e-3);
        Assert.InRange(stored / snr, 0.9, 1.1);
    }

    [Fact]
    public void SameSeedGivesIdenticalFilesAndAnotherSeedDoesNot()
    {
        string[] common = ["--n-images", "20", "--shift-max", "3", "--seed"];
        var (r1, a) = Hinge([.. common, "11"]);
        var (r2, b) = Hinge([.. common, "11"]);
        var (r3, c) = Hinge([.. common, "12"]);
        Assert.True(r1.ExitCode == 0 && r2.ExitCode == 0 && r3.ExitCode == 0, r1.Err + r2.Err + r3.Err);
        foreach (var f in new[] { "particles.mrcs", "particles.star", "truth.csv" })
        {
            byte[] fa = File.ReadAllBytes(Path.Combine(a, f));
            Assert.Equal(fa, File.ReadAllBytes(Path.Combine(b, f)));
            Assert.NotEqual(fa, File.ReadAllBytes(Path.Combine(c, f)));
        }
    }

    [Fact]
    public void InterpolationBetweenOpenAndClosedAdenylateKinase()
    {
        string dir = TestData.TempDir("sim");
        var r = CliRunner.Run("simulate", "--motion", "interpolate", "--structure", TestData.Structure("4AKE.cif"),
            "--structure-end", Ake, "--chains", "A", "--states", "0,1", "--truth-structures", "states",
            "--n-images", "10", "--npix", "32", "--apix", "3", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err);
        var baseS = StructureReader.ReadStructure(Path.Combine(dir, "base.pdb"));
        var s0 = StructureReader.ReadStructure(Path.Combine(dir, "truth_structures", "state_0.pdb"));
        var s1 = StructureReader.ReadStructure(Path.Combine(dir, "truth_structures", "state_1.pdb"));
        Assert.Equal(214, baseS.Count);
        for (int k = 0; k < baseS.Coordinates.Length; k++) Assert.Equal(baseS.Coordinates[k], s0.Coordinates[k], 2e-3);

        var (truthBase, state) = Simulator.Truth(Simulator.ReadOptions(dir));
        float[] t0 = state(0);
        for (int k = 0; k < t0.Length; k++) Assert.Equal(truthBase.Coordinates[k], t0[k], 1e-4);

        // The end state is 1AKE chain A superposed on 4AKE: the classic 7.13 Å Cα RMSD (PROVENANCE.md).
        double ss = 0;
        for (int k = 0; k < s0.Coordinates.Length; k++) ss += Math.Pow(s0.Coordinates[k] - s1.Coordinates[k], 2);
        Assert.Equal(7.13, Math.Sqrt(ss / 214), 0.02);
    }

    [Theory]
    [InlineData(256, 256, 32)]
    [InlineData(128, 256, 128)]
    [InlineData(64, 256, 256)]
    [InlineData(64, 10, 10)]
    [InlineData(4096, 256, 1)]
    public void ChunksHoldAtMostTwoMillionPixels(int npix, int requested, int expected) =>
        Assert.Equal(expected, Simulator.EffectiveChunk(new SimulationOptions { Npix = npix, ChunkSize = requested }));

    [Fact]
    public void UnknownResidueSelectionIsOneLine()
    {
        var (r, _) = Hinge("--n-images", "2", "--select", "A:999-1000");
        CliRunner.AssertOneLineError(r, "A:999-1000");
    }

    [Fact]
    public void InterpolatingUnrelatedStructuresIsOneLine()
    {
        var r = CliRunner.Run("simulate", "--motion", "interpolate", "--structure", Ake, "--structure-end", TestData.Structure("6C6S.cif"),
            "--n-images", "2", "--npix", "32", "--out", TestData.TempDir("sim"));
        CliRunner.AssertOneLineError(r, "6C6S.cif");
        Assert.Contains("does not match", r.Err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void NonPositiveSnrIsOneLine(string snr)
    {
        var (r, _) = Hinge("--n-images", "2", "--snr", snr);
        CliRunner.AssertOneLineError(r, "--snr");
    }

    [Fact]
    public void MissingStructureIsOneLine()
    {
        var r = CliRunner.Run("simulate", "--structure", "/nonexistent/absent.pdb", "--select", "A:1-10", "--out", TestData.TempDir("sim"));
        CliRunner.AssertOneLineError(r, "absent.pdb");
    }
}
