using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

/// <summary>Values the trainer fills in or clamps are reported on stderr and in run.log, not applied silently.</summary>
[Collection("torch-threads")]
public class TrainWarningsTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void MoreImagesThanTheDataHoldIsAWarningOnStderrAndInRunLog()
    {
        string dir = Path.Combine(TestData.TempDir("warn"), "r");
        var r = CliRunner.Run("train", "--structure", Path.Combine(data.Dir, "base.pdb"), "--particles", Path.Combine(data.Dir, "particles.star"),
            "--out", dir, "--epochs", "1", "--batch-size", "80", "--threads", "1", "--seed", "3", "--n-images", "500");
        Assert.True(r.ExitCode == 0, r.Err);
        const string expected = "N_images is 500 but";
        Assert.Contains("warning: " + expected, r.Err);
        Assert.Contains("has 160 particles: using all 160", r.Err);
        Assert.Contains("warning: " + expected, File.ReadAllText(Path.Combine(dir, "run.log")));
    }
}
