using System.Diagnostics;
using System.Globalization;

namespace CryoSphere.Tests.Training;

/// <summary>
/// SIGKILL at arbitrary moments (start-up, mid-epoch, while a checkpoint is written): after every kill the run
/// folder resumes, and the finished run has all its epochs, no temporaries, no lock and no stale mid-epoch files.
/// </summary>
[Collection("torch-threads")]
public class KillTrialsTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    private const string SmallNetworks = "encoder:\n  hidden_dimensions: [64, 32]\ndecoder:\n  hidden_dimensions: [64]\nseed: 5\nbatch_size: 32\nkeep_checkpoints: 2\nthreads: 1\n";

    [Fact]
    [Trait("Category", "Slow")]
    public void TenKillsThenAResumeFinishesTheRun()
    {
        string dir = TestData.TempDir("kill");
        string config = Path.Combine(dir, "networks.yaml");
        File.WriteAllText(config, SmallNetworks);
        string run = Path.Combine(dir, "run");
        // Long enough that no trial can finish the run before its kill (the step got faster; 40 epochs once sufficed).
        const int epochs = 300;
        var rng = new Random(11);
        for (int trial = 0; trial < 10; trial++)
        {
            bool resume = File.Exists(Path.Combine(run, "checkpoints", "latest"));
            using var p = Start(resume ? ["train", "--resume", run] : ["train", "--config", config, "--structure", Path.Combine(data.Dir, "base.pdb"),
                "--particles", Path.Combine(data.Dir, "particles.star"), "--out", run, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--stop-on-plateau", "false"]);
            Thread.Sleep(1500 + rng.Next(4000));
            if (p.HasExited)
                Assert.Fail($"trial {trial}: train exited early ({p.ExitCode}): {p.StandardError.ReadToEnd()}");
            p.Kill();
            p.WaitForExit();
            // Whatever the moment of the kill, the pointer names a complete file.
            string latest = Path.Combine(run, "checkpoints", "latest");
            if (File.Exists(latest))
                Assert.True(File.Exists(Path.Combine(run, "checkpoints", File.ReadAllText(latest).Trim())), $"trial {trial}: latest names a missing file");
        }
        using var last = Start(["train", "--resume", run]);
        string err = last.StandardError.ReadToEnd();
        Assert.True(last.WaitForExit(TimeSpan.FromMinutes(5)), "final resume did not finish");
        Assert.True(last.ExitCode == 0, $"final resume failed ({last.ExitCode}): {err}");
        var rows = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1).Where(l => l.Length > 0).ToArray();
        Assert.Equal(Enumerable.Range(1, epochs).Select(e => e.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r.Split(',')[0]));
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(run, "checkpoints"), "interrupted_*"));
        Assert.False(File.Exists(Path.Combine(run, "train.lock")));
    }

    private static Process Start(string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = false,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CryoSphere.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }
}
