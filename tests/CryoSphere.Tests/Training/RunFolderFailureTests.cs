using CryoSphere.IO;
using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

/// <summary>A run folder survives a second trainer, a full disk, a damaged newest checkpoint and leftovers of a killed run.</summary>
[Collection("torch-threads")]
public class RunFolderFailureTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    /// <summary>Blocks the trainer at its first batch until released, so a second one can be tried meanwhile.</summary>
    private sealed class Gate : IProgress<TrainProgress>
    {
        public readonly ManualResetEventSlim Reached = new(), Release = new();
        public void Report(TrainProgress p)
        {
            Reached.Set();
            Release.Wait(TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task ASecondTrainIntoALiveRunFolderRefuses()
    {
        string dir = Path.Combine(TestData.TempDir("lock"), "r");
        var gate = new Gate();
        var first = Task.Run(() => Trainer.Run(data.Options(dir, 1), gate));
        Assert.True(gate.Reached.Wait(TimeSpan.FromMinutes(2)), "first run never started");
        try
        {
            var lockText = File.ReadAllText(Path.Combine(dir, "train.lock"));
            Assert.StartsWith($"{Environment.ProcessId} {Environment.MachineName}", lockText);
            var e = Assert.Throws<RunFailedException>(() => Trainer.Run(data.Options(dir, 1)));
            Assert.Contains("in use by another training run", e.Message);
            var cli = CliRunner.Run("train", "--resume", dir);
            Assert.Equal(3, cli.ExitCode);
            CliRunner.AssertOneLineError(cli, "in use");
        }
        finally
        {
            gate.Release.Set();
        }
        Assert.False((await first).Interrupted);
        Assert.False(File.Exists(Path.Combine(dir, "train.lock")));
    }

    [Fact]
    public void TheNewestIsTakenWhenTheNamedCheckpointIsPrunedWhileOpening()
    {
        string dir = Path.Combine(TestData.TempDir("prune-race"), "r");
        Trainer.Run(data.Options(dir, 2) with { KeepCheckpoints = 0 });
        var folder = new RunFolder(dir);
        string first = folder.EpochCheckpoint(1), second = folder.EpochCheckpoint(2);
        // A reader read "latest" while it named epoch 1; before it opens that file the trainer writes epoch 2,
        // names it and prunes epoch 1 (what --keep 1 does).
        folder.SetLatest(first);
        int calls = 0;
        var (path, meta) = folder.LoadNewest(p =>
        {
            if (calls++ == 0)
            {
                folder.SetLatest(second);
                File.Delete(first);
            }
            return Checkpoint.ReadMeta(p);
        });
        Assert.Equal(2, calls);
        Assert.Equal(second, path);
        Assert.Equal(2, meta.Epoch);

        // Vanished with nothing newer named: one line naming the file, no retry loop and no stack trace.
        File.Delete(second);
        folder.SetLatest(second);
        calls = 0;
        var e = Assert.Throws<InputException>(() => folder.LoadNewest(p => { calls++; return Checkpoint.ReadMeta(p); }));
        Assert.Equal(0, calls);
        Assert.Contains("no checkpoint found", e.Message);
        var missing = Assert.Throws<InputException>(() => Checkpoint.ReadMeta(second));
        Assert.Contains("checkpoint not found", missing.Message);
        Assert.StartsWith(second, missing.Message);
    }

    [Fact]
    public void AStaleLockIsReplacedWithAWarning()
    {
        string dir = Path.Combine(TestData.TempDir("lock"), "r");
        Trainer.Run(data.Options(dir, 1));
        // A PID that no live process has: one of a process that has exited.
        using var p = System.Diagnostics.Process.Start("true")!;
        p.WaitForExit();
        File.WriteAllText(Path.Combine(dir, "train.lock"), $"{p.Id} {Environment.MachineName}\n");
        var warnings = new List<string>();
        var res = Trainer.Resume(dir, o => o with { Epochs = 2 }, warn: warnings.Add);
        Assert.Equal(2, res.EpochsDone);
        Assert.Contains(warnings, w => w.Contains("stale lock", StringComparison.Ordinal) && w.Contains($"PID {p.Id}", StringComparison.Ordinal));
        Assert.Contains("stale lock", File.ReadAllText(Path.Combine(dir, "run.log")));
    }

    [Fact]
    public void DiskFullIsOneLineKeepsTheLastCheckpointAndALaterResumeWorks()
    {
        string dir = Path.Combine(TestData.TempDir("diskfull"), "r");
        AtomicFileFaults.DiskFullFor = path => path.EndsWith("epoch_0002.ckpt", StringComparison.Ordinal);
        RunFailedException e;
        try
        {
            e = Assert.Throws<RunFailedException>(() => Trainer.Run(data.Options(dir, 3)));
        }
        finally
        {
            AtomicFileFaults.DiskFullFor = null;
        }
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("disk full", e.Message);
        Assert.Contains("epoch_0001.ckpt is kept", e.Message);
        string ck = Path.Combine(dir, "checkpoints");
        Assert.Equal("epoch_0001.ckpt", File.ReadAllText(Path.Combine(ck, "latest")).Trim());
        Assert.Empty(Directory.GetFiles(ck, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(ck, ".*")));
        Assert.False(File.Exists(Path.Combine(dir, "train.lock")));

        var res = Trainer.Resume(dir);
        Assert.Equal(3, res.EpochsDone);
        Assert.Equal(3, res.Metrics.Count);
    }

    [Fact]
    public void DiskFullThroughTheCliIsExitThreeWithOneLine()
    {
        string dir = Path.Combine(TestData.TempDir("diskfull"), "r");
        AtomicFileFaults.DiskFullFor = path => path.EndsWith("epoch_0001.ckpt", StringComparison.Ordinal);
        CliRunner.Result r;
        try
        {
            r = CliRunner.Run("train", "--structure", Path.Combine(data.Dir, "base.pdb"), "--particles", Path.Combine(data.Dir, "particles.star"),
                "--out", dir, "--epochs", "1", "--batch-size", "80", "--threads", "1", "--seed", "3");
        }
        finally
        {
            AtomicFileFaults.DiskFullFor = null;
        }
        Assert.Equal(3, r.ExitCode);
        CliRunner.AssertOneLineError(r, "disk full");
        Assert.Contains("no checkpoint was written yet", r.Err);
    }

    [Fact]
    public void TruncatedNewestCheckpointFallsBackToThePreviousWithAWarning()
    {
        string dir = Path.Combine(TestData.TempDir("fallback"), "r");
        Trainer.Run(data.Options(dir, 2));
        string newest = Path.Combine(dir, "checkpoints", "epoch_0002.ckpt");
        using (var f = new FileStream(newest, FileMode.Open)) f.SetLength(f.Length / 2);
        var warnings = new List<string>();
        var res = Trainer.Resume(dir, o => o with { Epochs = 3 }, warn: warnings.Add);
        Assert.Equal(3, res.EpochsDone);
        Assert.Equal(3, res.Metrics.Count);
        var w = Assert.Single(warnings, x => x.Contains("resuming from epoch_0001.ckpt", StringComparison.Ordinal));
        Assert.Contains("epoch_0002.ckpt", w);
        Assert.Contains("resuming from epoch_0001.ckpt", File.ReadAllText(Path.Combine(dir, "run.log")));
    }

    [Fact]
    public void AnalyzingARunWhoseOnlyCheckpointIsDamagedIsAOneLineInputError()
    {
        string dir = Path.Combine(TestData.TempDir("badckpt"), "r");
        Trainer.Run(data.Options(dir, 1));
        string ckpt = Path.Combine(dir, "checkpoints", "epoch_0001.ckpt");
        foreach (var (label, damage) in new (string, Action)[]
                 {
                     ("truncated", () => { using var f = new FileStream(ckpt, FileMode.Open); f.SetLength(f.Length * 2 / 3); }),
                     ("not a checkpoint", () => File.WriteAllText(ckpt, "hello")),
                 })
        {
            damage();
            var r = CliRunner.Run("analyze", "--run", dir, "--out", Path.Combine(dir, "a"));
            Assert.True(r.ExitCode == 2, $"{label}: exit {r.ExitCode}: {r.Err}");
            CliRunner.AssertOneLineError(r, "epoch_0001.ckpt");
            Assert.False(Directory.Exists(Path.Combine(dir, "a")), $"{label}: analysis folder left behind");
        }
    }

    [Fact]
    public void LeftoverTemporaryAndInterruptedCheckpointsAreCleaned()
    {
        string dir = Path.Combine(TestData.TempDir("clean"), "r");
        Trainer.Run(data.Options(dir, 1));
        string ck = Path.Combine(dir, "checkpoints");
        File.WriteAllText(Path.Combine(ck, ".epoch_0002.ckpt.12345.abc.tmp"), "partial");
        File.WriteAllText(Path.Combine(dir, ".metrics.csv.12345.abc.tmp"), "partial");
        File.Copy(Path.Combine(ck, "epoch_0001.ckpt"), Path.Combine(ck, "interrupted_epoch_0001_batch_00002.ckpt"));
        Trainer.Resume(dir, o => o with { Epochs = 2 });
        Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(ck, "interrupted_*"));
        Assert.Contains("removed 2 temporary file(s)", File.ReadAllText(Path.Combine(dir, "run.log")));
    }
}

/// <summary>A bug (not an input problem) in a command with a run folder: exit 1, one line pointing at run.log, which holds the stack trace.</summary>
[Collection("torch-threads")]
public class BugReportTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void ABugDuringTrainingGoesToRunLogWithAOneLinePointer()
    {
        string dir = Path.Combine(TestData.TempDir("bug"), "r");
        AtomicFileFaults.BugFor = path => path.EndsWith("config.yaml", StringComparison.Ordinal);
        CliRunner.Result r;
        try
        {
            r = CliRunner.Run("train", "--structure", Path.Combine(data.Dir, "base.pdb"), "--particles", Path.Combine(data.Dir, "particles.star"),
                "--out", dir, "--epochs", "1", "--threads", "1", "--seed", "3");
        }
        finally
        {
            AtomicFileFaults.BugFor = null;
        }
        Assert.Equal(1, r.ExitCode);
        string err = r.Err.TrimEnd();
        Assert.DoesNotContain('\n', err);
        Assert.Contains("internal error (InvalidOperationException): injected bug", err);
        Assert.Contains($"details in {Path.Combine(dir, "run.log")}", err);
        string log = File.ReadAllText(Path.Combine(dir, "run.log"));
        Assert.Contains("   at CryoSphere.", log);
        Assert.False(File.Exists(Path.Combine(dir, "train.lock")));
    }

    [Fact]
    public void ABugWithoutARunFolderPrintsTheStackTraceAfterOneLine()
    {
        string dir = TestData.TempDir("bug");
        AtomicFileFaults.BugFor = path => path.EndsWith("v.mrc", StringComparison.Ordinal);
        CliRunner.Result r;
        try
        {
            r = CliRunner.Run("volume", "--structure", TestData.Structure("1ake.pdb"), "--npix", "16", "--apix", "4", "--out", Path.Combine(dir, "v.mrc"));
        }
        finally
        {
            AtomicFileFaults.BugFor = null;
        }
        Assert.Equal(1, r.ExitCode);
        var lines = r.Err.Split('\n');
        Assert.StartsWith("internal error (InvalidOperationException): injected bug", lines[0]);
        Assert.Contains(lines, l => l.Contains("   at CryoSphere.", StringComparison.Ordinal));
    }
}
