using CryoSphere.Simulation;

namespace CryoSphere.Tests.Distributed;

/// <summary>
/// z.npy and z_sd.npy from two MPI ranks, and from two Slurm-style shards merged, are byte for byte the one-process files; the
/// particles (300) span two encoding batches, so the ranks really split the work.
/// </summary>
[Collection("torch-threads")]
public class ShardedAnalysisTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void TwoRanksAndMergedShardsWriteTheSameZAsOneProcess()
    {
        string dir = TestData.TempDir("mpi-analyze");
        string sim = Path.Combine(dir, "sim");
        Simulator.Run(new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", Range = [0, 30], NImages = 300, Npix = 32, Apix = 4, Snr = 1.0, Seed = 4, OutDirValue = sim,
        });
        string config = Path.Combine(dir, "networks.yaml");
        File.WriteAllText(config, "encoder:\n  hidden_dimensions: [64, 32]\ndecoder:\n  hidden_dimensions: [64]\nseed: 3\nthreads: 1\n");
        string run = Path.Combine(dir, "run");
        var t = CliRunner.Run("train", "--config", config, "--structure", Path.Combine(sim, "base.pdb"), "--particles", Path.Combine(sim, "particles.star"),
            "--out", run, "--epochs", "1", "--n-images", "64", "--batch-size", "32");
        Assert.True(t.ExitCode == 0, t.Err);
        string[] Args(string outDir) => ["analyze", "--run", run, "--out", outDir, "--kmeans", "0", "--pcs", "1", "--steps", "2", "--threads", "1"];

        var one = CliRunner.Run(Args(Path.Combine(dir, "one")));
        Assert.True(one.ExitCode == 0, one.Err);
        var two = MpiRun.Run(2, Args(Path.Combine(dir, "two")), TimeSpan.FromSeconds(120));
        Assert.True(two.ExitCode == 0, two.Err + two.Out);
        string merged = Path.Combine(dir, "merged");
        var shards = new[] { "0/2", "1/2" }.Select(s => CliRunner.Run([.. Args(merged), "--shard", s])).ToArray();
        Assert.All(shards, r => Assert.True(r.ExitCode == 0, r.Err));
        Assert.Contains("particles 0–255", shards[0].Out);
        Assert.Contains("particles 256–299", shards[1].Out);
        var m = CliRunner.Run([.. Args(merged), "--merge"]);
        Assert.True(m.ExitCode == 0, m.Err);

        byte[] z1 = File.ReadAllBytes(Path.Combine(dir, "one", "z.npy"));
        Assert.True(z1.Length > 300 * 4, "z.npy holds every particle");
        Assert.Equal(z1, File.ReadAllBytes(Path.Combine(dir, "two", "z.npy")));
        Assert.Equal(z1, File.ReadAllBytes(Path.Combine(merged, "z.npy")));
        // ... and so are the posterior standard deviations, and with them the traversal over the model's population.
        byte[] sd1 = File.ReadAllBytes(Path.Combine(dir, "one", "z_sd.npy"));
        Assert.Equal(z1.Length, sd1.Length);
        Assert.Equal(sd1, File.ReadAllBytes(Path.Combine(dir, "two", "z_sd.npy")));
        Assert.Equal(sd1, File.ReadAllBytes(Path.Combine(merged, "z_sd.npy")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "one", "pc1", "z.csv")), File.ReadAllBytes(Path.Combine(merged, "pc1", "z.csv")));

        // A merge with a shard missing names it.
        File.Delete(Path.Combine(merged, "shards", "z_0001_of_0002.npy"));
        CliRunner.AssertOneLineError(CliRunner.Run([.. Args(merged), "--merge"]), "shard 1/2");
    }
}
