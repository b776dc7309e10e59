using CryoSphere.IO;

namespace CryoSphere.Tests.Cli;

public class BackprojectCommandTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    [Fact]
    public void WritesMapsAtTheDownsampledSizeFromTheFirstParticles()
    {
        TorchSharp.torch.set_num_threads(1);   // libtorch's default (all cores) on a shared machine
        string sim = TestData.TempDir("bp-cli-sim");
        var s = CliRunner.Run("simulate", "--structure", Ake, "--chains", "A", "--select", "A:122-159", "--axis", "A:118,A:167",
            "--angle-range=0,0", "--n-images", "60", "--npix", "32", "--apix", "3", "--no-noise", "--out", sim);
        Assert.True(s.ExitCode == 0, s.Err);
        string outDir = TestData.TempDir("bp-cli");
        var r = CliRunner.Run("backproject", "--particles", Path.Combine(sim, "particles.star"), "--first", "40", "--downsample", "16", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("from 40 images", r.Out);
        var map = MrcVolume.Read(Path.Combine(outDir, "half1.mrc"));
        Assert.Equal((16, 16, 16), (map.Nx, map.Ny, map.Nz));
        Assert.Equal(6.0, map.VoxelSize, 1e-6);          // 3 Å × 32/16
        Assert.Equal(-8 * 6.0, map.Origin.Z, 1e-6);
        Assert.Equal(10, File.ReadAllLines(Path.Combine(outDir, "fsc.csv")).Length);   // header + shells 0…8
    }

    /// <summary>A STAR file's rlnRandomSubset decides the half-sets (here 5 particles in half 1, 15 in half 2).</summary>
    [Fact]
    public void RelionHalfSetsAreUsedAndBadOnesRejected()
    {
        TorchSharp.torch.set_num_threads(1);
        string sim = TestData.TempDir("bp-cli-sim");
        var s = CliRunner.Run("simulate", "--structure", Ake, "--chains", "A", "--select", "A:122-159", "--axis", "A:118,A:167",
            "--angle-range=0,0", "--n-images", "20", "--npix", "16", "--apix", "6", "--no-noise", "--out", sim);
        Assert.True(s.ExitCode == 0, s.Err);
        string star = Path.Combine(sim, "particles.star");
        string Subsets(Func<int, int> subset)
        {
            int k = 0;
            var lines = File.ReadAllLines(star).Select(l =>
                l.StartsWith("_rlnOpticsGroup #13") ? l + "\n_rlnRandomSubset #14" : l.Contains('@') ? $"{l} {subset(k++)}" : l);
            string p = Path.Combine(sim, $"subsets-{Guid.NewGuid():N}.star");
            File.WriteAllText(p, string.Join("\n", lines) + "\n");
            return p;
        }
        var r = CliRunner.Run("backproject", "--particles", Subsets(i => i % 4 == 0 ? 1 : 2), "--out", TestData.TempDir("bp-cli"));
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("from 20 images (5 in half 1)", r.Out);

        var bad = CliRunner.Run("backproject", "--particles", Subsets(i => i == 7 ? 3 : 1), "--out", TestData.TempDir("bp-cli"));
        CliRunner.AssertOneLineError(bad, "rlnRandomSubset");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public void BadInputIsOneLineWithExitCode2()
    {
        string missing = Path.Combine(TestData.TempDir("bp-cli"), "nope.star");
        var r = CliRunner.Run("backproject", "--particles", missing, "--out", TestData.TempDir("bp-cli"));
        CliRunner.AssertOneLineError(r, "nope.star");
        Assert.Equal(2, r.ExitCode);
    }
}
