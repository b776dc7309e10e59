using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Distributed;

/// <summary>
/// Two Open MPI ranks against one process: the same global batch and seed must give the same weights and
/// metrics (the gradient average, the batch slices and the noise rows are what is checked), a resume may change
/// the number of ranks, and a rank that dies or hangs stops the job with one line, leaving a loadable checkpoint.
/// </summary>
[Collection("torch-threads")]
public class DataParallelTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private const string Networks = "encoder:\n  hidden_dimensions: [64, 32]\ndecoder:\n  hidden_dimensions: [64]\nseed: 7\nthreads: 1\nkeep_checkpoints: 0\n";

    private string[] TrainArgs(string dir, string run, int batch, int epochs, string extraConfig = "")
    {
        string config = Path.Combine(dir, "networks.yaml");
        File.WriteAllText(config, Networks + extraConfig);
        return ["train", "--config", config, "--structure", Path.Combine(data.Dir, "base.pdb"), "--particles", Path.Combine(data.Dir, "particles.star"),
            "--out", run, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--stop-on-plateau", "false", "--batch-size", batch.ToString(CultureInfo.InvariantCulture)];
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void TwoRanksOfHalfTheBatchEqualOneRankAfterTwoEpochs()
    {
        string dir = TestData.TempDir("mpi-eq");
        string one = Path.Combine(dir, "one"), two = Path.Combine(dir, "two");
        var r1 = CliRunner.Run(TrainArgs(dir, one, 32, 2));
        Assert.True(r1.ExitCode == 0, r1.Err);
        var r2 = MpiRun.Run(2, TrainArgs(dir, two, 16, 2), Limit);
        Assert.True(r2.ExitCode == 0, r2.Err + r2.Out);
        Assert.Contains("2 ranks; batch 16 per rank, 32 per step", File.ReadAllText(Path.Combine(two, "run.log")));

        using (var a = TrainedRun.Open(one, 2, needImages: false))
        using (var b = TrainedRun.Open(two, 2, needImages: false))
        {
            var pa = a.Vae.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            int compared = 0;
            foreach (var (name, pb) in b.Vae.named_parameters())
            {
                double norm = pa[name].norm().ToDouble(), diff = (pa[name] - pb).norm().ToDouble();
                Assert.True(diff <= 1e-5 * Math.Max(norm, 1e-12), $"{name}: ‖Δ‖ {diff:G3} vs ‖w‖ {norm:G3}");
                compared++;
            }
            Assert.Equal(pa.Count, compared);
            // The weights moved (two epochs of Adam), so equality is not two untouched initialisations.
            Assert.NotEqual(0, a.Meta.Epoch);
        }
        var m1 = MetricsRows(one);
        var m2 = MetricsRows(two);
        Assert.Equal(2, m1.Count);
        Assert.Equal(m1.Count, m2.Count);
        for (int e = 0; e < m1.Count; e++)
            foreach (var k in new[] { "loss", "corr", "kl_latent", "kl_seg_mean", "kl_seg_std", "kl_seg_prop", "continuity", "clash", "l2" })
                Assert.True(Math.Abs(m1[e][k] - m2[e][k]) <= 1e-6 * Math.Max(1, Math.Abs(m1[e][k])), $"epoch {e + 1} {k}: {m1[e][k]} vs {m2[e][k]}");

        // Resuming with another number of ranks: one process continues the two-rank run from its epoch checkpoint.
        var r3 = CliRunner.Run("train", "--resume", two, "--epochs", "3");
        Assert.True(r3.ExitCode == 0, r3.Err);
        Assert.Contains("ranks changed from 2 to 1", File.ReadAllText(Path.Combine(two, "run.log")));
        Assert.Equal(3, MetricsRows(two).Count);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void UnderMpichTooTwoRanksEqualOneRank()
    {
        // The same binary under MPICH's launcher binds MPICH's library (its integer handles, not Open MPI's objects).
        string dir = TestData.TempDir("mpich-eq");
        string one = Path.Combine(dir, "one"), two = Path.Combine(dir, "two");
        var r1 = CliRunner.Run(TrainArgs(dir, one, 32, 1));
        Assert.True(r1.ExitCode == 0, r1.Err);
        var r2 = MpiRun.Run(2, TrainArgs(dir, two, 16, 1), Limit, launcher: MpiRun.Mpich);
        Assert.True(r2.ExitCode == 0, r2.Err + r2.Out);
        Assert.Contains("data parallel: MPICH", File.ReadAllText(Path.Combine(two, "run.log")));
        using var a = TrainedRun.Open(one, 1, needImages: false);
        using var b = TrainedRun.Open(two, 1, needImages: false);
        AssertSameWeights(a, b);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ShardedPerImageLatentsMatchOneProcessAndResumeOnAnyRankCount()
    {
        // Per-image latents: each rank holds its own particles' rows, fetches its slice's rows from their owners and
        // sends the gradients back; rank 0 writes the whole tables. Two ranks (one epoch, then resumed on two ranks:
        // the whole file re-sharded) must give one process's weights and metrics after two epochs.
        string dir = TestData.TempDir("mpi-eq-na");
        string one = Path.Combine(dir, "one"), two = Path.Combine(dir, "two");
        const string perImage = "amortized: false\n";
        // Both stop after one epoch and resume, so that both KL ramps are planned for the same run length.
        var r1 = CliRunner.Run(TrainArgs(dir, one, 32, 1, perImage));
        Assert.True(r1.ExitCode == 0, r1.Err);
        var r1b = CliRunner.Run("train", "--resume", one, "--epochs", "2");
        Assert.True(r1b.ExitCode == 0, r1b.Err);
        var r2 = MpiRun.Run(2, TrainArgs(dir, two, 16, 1, perImage), Limit);
        Assert.True(r2.ExitCode == 0, r2.Err + r2.Out);
        var r3 = MpiRun.Run(2, ["train", "--resume", two, "--epochs", "2"], Limit);
        Assert.True(r3.ExitCode == 0, r3.Err + r3.Out);
        foreach (int epoch in new[] { 1, 2 })
        {
            using var a = TrainedRun.Open(one, epoch, needImages: false);
            using var b = TrainedRun.Open(two, epoch, needImages: false);
            Assert.NotNull(a.Vae.Latents);
            Assert.Equal(160, b.Vae.Latents!.RowTables[0].shape[0]);   // the file holds the whole table
            AssertSameWeights(a, b);
        }
        var m1 = MetricsRows(one);
        var m2 = MetricsRows(two);
        Assert.Equal(2, m2.Count);
        for (int e = 0; e < 2; e++)
            foreach (var k in new[] { "loss", "corr", "kl_latent" })
                Assert.True(Math.Abs(m1[e][k] - m2[e][k]) <= 1e-6 * Math.Max(1, Math.Abs(m1[e][k])), $"epoch {e + 1} {k}: {m1[e][k]} vs {m2[e][k]}");
        // The tables travel as the global batch's rows, twice a step (32 particles × (μ, log σ) of 8), never whole (160 rows).
        using (var b = TrainedRun.Open(two, 2, needImages: false))
        {
            long table = b.Vae.Latents!.RowTables.Sum(t => t.numel());
            long dense = b.Vae.parameters().Sum(p => p.numel()) - table;
            Assert.Contains(FormattableString.Invariant($"{dense + 2 * 32 * 16} floats"), File.ReadAllText(Path.Combine(two, "run.log")));
        }

        // Other rank counts: the two-rank run goes on in one process, and the one-process run on two ranks.
        var r4 = CliRunner.Run("train", "--resume", two, "--epochs", "3");
        Assert.True(r4.ExitCode == 0, r4.Err);
        var r5 = MpiRun.Run(2, ["train", "--resume", one, "--epochs", "3"], Limit);
        Assert.True(r5.ExitCode == 0, r5.Err + r5.Out);
        Assert.Contains("ranks changed from 2 to 1", File.ReadAllText(Path.Combine(two, "run.log")));
        Assert.Contains("ranks changed from 1 to 2", File.ReadAllText(Path.Combine(one, "run.log")));
        Assert.Equal(3, MetricsRows(two).Count);
        Assert.Equal(3, MetricsRows(one).Count);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ThreeRanksOfUnequalShardsEqualOneProcess()
    {
        // 160 particles over 3 ranks: shards of 53, 53 and 54 rows (rank 0's state is broadcast into other sizes, the
        // checkpoint gathers unequal parts). 159 used, so that one process and 3 ranks visit the same particles.
        string dir = TestData.TempDir("mpi-eq-na3");
        string one = Path.Combine(dir, "one"), three = Path.Combine(dir, "three");
        const string perImage = "amortized: false\n";
        var r1 = CliRunner.Run([.. TrainArgs(dir, one, 24, 1, perImage), "--n-images", "159"]);
        Assert.True(r1.ExitCode == 0, r1.Err);
        var r3 = MpiRun.Run(3, [.. TrainArgs(dir, three, 8, 1, perImage), "--n-images", "159"], Limit);
        Assert.True(r3.ExitCode == 0, r3.Err + r3.Out);
        Assert.Contains("3 ranks; batch 8 per rank, 24 per step", File.ReadAllText(Path.Combine(three, "run.log")));
        using var a = TrainedRun.Open(one, 1, needImages: false);
        using var b = TrainedRun.Open(three, 1, needImages: false);
        AssertSameWeights(a, b);
        // Particle 159 (rank 2's last row) was never in a batch and kept the prior; a visited one moved.
        Assert.Equal(0, b.Vae.Latents!.RowTables[0][159].abs().sum().ToDouble());
        Assert.NotEqual(0, b.Vae.Latents.RowTables[0][158].abs().sum().ToDouble());
    }

    // Per-image latents too: their shards are gathered for a checkpoint, a collective the dead rank cannot join.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [Trait("Category", "Slow")]
    public async Task AKilledRankStopsTheJobWithOneLineAndTheCheckpointLoads(bool amortized)
    {
        string dir = TestData.TempDir("mpi-kill");
        string run = Path.Combine(dir, "run");
        string tag = Guid.NewGuid().ToString("N");
        using var p = MpiRun.Start(2, TrainArgs(dir, run, 16, 300, amortized ? "" : "amortized: false\n"), new Dictionary<string, string> { ["CS_TEST_TAG"] = tag });
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        await WaitForFirstCheckpoint(p, run, err);
        int pid = MpiRun.RankPid(tag, 1) ?? throw new InvalidOperationException("rank 1 not found");
        System.Diagnostics.Process.GetProcessById(pid).Kill();   // SIGKILL, mid-epoch 2 or later
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the job did not stop within 60 s of a rank's death");
        Assert.NotEqual(0, p.ExitCode);
        string errText = await err, outText = await output;
        var ours = errText.Split('\n').Where(l => l.StartsWith("cryosphere rank", StringComparison.Ordinal)).ToArray();
        string line = Assert.Single(ours);
        Assert.StartsWith("cryosphere rank 0/2: stopped:", line);
        Assert.Contains("--resume " + run, line);
        Assert.DoesNotContain("   at ", errText + outText);
        using var loaded = TrainedRun.Open(run, needImages: false);
        Assert.True(loaded.Meta.Epoch >= 1);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task AHungRankIsCutByTheCollectiveTimeout()
    {
        string dir = TestData.TempDir("mpi-hang");
        string run = Path.Combine(dir, "run");
        string tag = Guid.NewGuid().ToString("N");
        using var p = MpiRun.Start(2, TrainArgs(dir, run, 16, 300), new Dictionary<string, string> { ["CS_TEST_TAG"] = tag, ["CRYOSPHERE_MPI_TIMEOUT"] = "8" });
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        await WaitForFirstCheckpoint(p, run, err);
        int pid = MpiRun.RankPid(tag, 1) ?? throw new InvalidOperationException("rank 1 not found");
        // SIGSTOP: the rank neither answers nor dies, as on a hung node; mpirun sees nothing wrong.
        using (var stop = System.Diagnostics.Process.Start("kill", ["-STOP", pid.ToString(CultureInfo.InvariantCulture)])) stop.WaitForExit();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the job did not stop within 60 s of a rank hanging");
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains((await err).Split('\n'), l => l.StartsWith("cryosphere rank 0/2: stopped: no answer from the other ranks", StringComparison.Ordinal));
        using var loaded = TrainedRun.Open(run, needImages: false);
        Assert.True(loaded.Meta.Epoch >= 1);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task CtrlCToMpirunStopsEveryRankAndTheRunResumes()
    {
        string dir = TestData.TempDir("mpi-int");
        string run = Path.Combine(dir, "run");
        using var p = MpiRun.Start(2, TrainArgs(dir, run, 16, 300));
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        await WaitForFirstCheckpoint(p, run, err);
        // What a user's Ctrl-C does: SIGINT to mpirun, which passes the job's end on to the ranks.
        using (var intr = System.Diagnostics.Process.Start("kill", ["-INT", p.Id.ToString(CultureInfo.InvariantCulture)])) intr.WaitForExit();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the job did not stop within 60 s of Ctrl-C");
        string errText = await err, outText = await output;
        Assert.DoesNotContain("   at ", errText + outText);
        // Every rank lets go of the run: each ends with its one line (SIGTERM from mpirun), none lingers holding the lock.
        Assert.All(errText.Split('\n').Where(l => l.StartsWith("cryosphere rank", StringComparison.Ordinal)),
            l => Assert.Contains("--resume " + run, l));
        var folder = new CryoSphere.Training.RunFolder(run);
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (CryoSphere.Training.RunLock.Holder(folder) is not null && wait.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(100);
        Assert.Null(CryoSphere.Training.RunLock.Holder(folder));
        // The newest checkpoint loads (an interrupted one when the ranks had time to agree, else the last epoch's),
        // and one process carries the run on.
        using (var loaded = TrainedRun.Open(run, needImages: false)) Assert.True(loaded.Meta.Epoch >= 1 || loaded.Meta.Batch > 0);
        int done = MetricsRows(run).Count;
        var r = CliRunner.Run("train", "--resume", run, "--epochs", (done + 1).ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(done + 1, MetricsRows(run).Count);
    }

    // The pointer, written after the first checkpoint: from then on a kill or an interrupt leaves a run that resumes.
    private static async Task WaitForFirstCheckpoint(System.Diagnostics.Process p, string run, Task<string> err)
    {
        string first = Path.Combine(run, "checkpoints", "latest");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(first) && !p.HasExited && clock.Elapsed < Limit) Thread.Sleep(50);
        if (!File.Exists(first)) Assert.Fail("no first checkpoint: " + (p.HasExited ? await err : "timeout"));
    }

    // Every parameter of b within 1e-5 (relative) of a's, or within 1e-6 everywhere: float32 rounding of values of order
    // one (the all-reduce sums in another order). The absolute line matters for a parameter that barely left zero: with
    // the latent noise warm-up, per-image log σ rows get only KL(z)'s small gradient at first, and measured 3 ranks vs
    // one process differed by 1.5e-5 of their small norm but by at most 1.1e-7 in any entry.
    private static void AssertSameWeights(TrainedRun a, TrainedRun b)
    {
        var pa = a.Vae.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, pb) in b.Vae.named_parameters())
        {
            var d = pa[name] - pb;
            bool relative = d.norm().ToDouble() <= 1e-5 * Math.Max(pa[name].norm().ToDouble(), 1e-12);
            Assert.True(relative || d.abs().max().ToDouble() <= 1e-6, name);
        }
    }

    private static IReadOnlyList<Dictionary<string, double>> MetricsRows(string run) => new CryoSphere.Training.MetricsLog(Path.Combine(run, "metrics.csv")).Rows;
}
