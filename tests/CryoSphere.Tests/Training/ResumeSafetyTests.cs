using CryoSphere.IO;
using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

/// <summary>Resume refuses changes that alter the run, and works from a copied folder or another directory.</summary>
[Collection("torch-threads")]
public class ResumeSafetyTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void ChangedSeedOrBatchSizeIsRefusedButMoreEpochsAndThreadsAreLogged()
    {
        string dir = Path.Combine(TestData.TempDir("resume-guard"), "r");
        Trainer.Run(data.Options(dir, 1));
        var seed = Assert.Throws<InputException>(() => Trainer.Resume(dir, o => o with { Seed = 8 }));
        Assert.Contains("Seed (7 → 8)", seed.Message);
        var batch = Assert.Throws<InputException>(() => Trainer.Resume(dir, o => o with { BatchSize = 64 }));
        Assert.Contains("BatchSize (32 → 64)", batch.Message);
        var cli = CliRunner.Run("train", "--resume", dir, "--seed", "9");
        Assert.Equal(2, cli.ExitCode);
        CliRunner.AssertOneLineError(cli, "Seed");

        var res = Trainer.Resume(dir, o => o with { Epochs = 2, Threads = 2 });
        Assert.Equal(2, res.EpochsDone);
        string log = File.ReadAllText(Path.Combine(dir, "run.log"));
        Assert.Contains("resume changes Epochs: 1 → 2", log);
        Assert.Contains("resume changes Threads: 1 → 2", log);
    }

    [Fact]
    public void ConfigEditedToAnotherSeedIsRefusedByTheCheckpoint()
    {
        string dir = Path.Combine(TestData.TempDir("resume-guard"), "r");
        Trainer.Run(data.Options(dir, 1));
        string cfg = Path.Combine(dir, "config.yaml");
        File.WriteAllText(cfg, File.ReadAllText(cfg).Replace("seed: 7", "seed: 11"));
        var e = Assert.Throws<InputException>(() => Trainer.Resume(dir, o => o with { Epochs = 2 }));
        Assert.Contains("seed is 11 but the checkpoint was written with seed 7", e.Message);
    }

    [Fact]
    public void DataThatChangedUnderTheRunIsRefused()
    {
        string top = TestData.TempDir("resume-data");
        foreach (var f in Directory.GetFiles(data.Dir)) File.Copy(f, Path.Combine(top, Path.GetFileName(f)));
        string dir = Path.Combine(top, "r");
        Trainer.Run(data.Options(dir, 1) with { BaseStructurePath = Path.Combine(top, "base.pdb"), ParticlesPath = Path.Combine(top, "particles.star") });
        // Drop the last particle row from the STAR file.
        string star = Path.Combine(top, "particles.star");
        var lines = File.ReadAllLines(star).ToList();
        lines.RemoveAt(lines.FindLastIndex(l => l.Contains('@')));
        File.WriteAllLines(star, lines);
        var e = Assert.Throws<InputException>(() => Trainer.Resume(dir, o => o with { Epochs = 2 }));
        Assert.Contains("159 particles but the run was trained on 160", e.Message);
    }

    [Fact]
    public void CopiedRunWithItsDataInsideResumesFromAnotherDirectory()
    {
        // Data inside the run folder, given relative to the working directory: config.yaml must store them
        // relative to the run folder, so the copy resumes from anywhere.
        string top = TestData.TempDir("resume-copy");
        string run = Path.Combine(top, "run");
        string dataDir = Path.Combine(run, "data");
        Directory.CreateDirectory(dataDir);
        foreach (var f in Directory.GetFiles(data.Dir)) File.Copy(f, Path.Combine(dataDir, Path.GetFileName(f)));
        string cwd = Directory.GetCurrentDirectory();
        try
        {
            Directory.SetCurrentDirectory(top);
            Trainer.Run(data.Options("run", 1) with { BaseStructurePath = "run/data/base.pdb", ParticlesPath = "run/data/particles.star" });
            string cfg = File.ReadAllText(Path.Combine(run, "config.yaml"));
            Assert.Contains("base_structure_path: \"data/base.pdb\"", cfg);
            Assert.Contains("particles: \"data/particles.star\"", cfg);

            string elsewhere = TestData.TempDir("resume-copy");
            string copy = Path.Combine(elsewhere, "moved");
            CopyTree(run, copy);
            Directory.Delete(run, recursive: true);
            Directory.SetCurrentDirectory(TestData.TempDir("resume-cwd"));
            var res = Trainer.Resume(copy, o => o with { Epochs = 2 });
            Assert.Equal(2, res.EpochsDone);
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
        }
    }

    [Fact]
    public void RunWithOutsideDataResumesAfterACopyAndFromAnotherDirectory()
    {
        string top = TestData.TempDir("resume-abs");
        string cwd = Directory.GetCurrentDirectory();
        try
        {
            // Data given relative to a working directory the resume will not share: stored absolute.
            Directory.SetCurrentDirectory(data.Dir);
            Trainer.Run(data.Options(Path.Combine(top, "r"), 1) with { BaseStructurePath = "base.pdb", ParticlesPath = "particles.star" });
            Assert.Contains($"particles: \"{Path.Combine(data.Dir, "particles.star")}\"", File.ReadAllText(Path.Combine(top, "r", "config.yaml")));
            string copy = Path.Combine(TestData.TempDir("resume-abs"), "copy");
            CopyTree(Path.Combine(top, "r"), copy);
            Directory.SetCurrentDirectory(top);
            Assert.Equal(2, Trainer.Resume(copy, o => o with { Epochs = 2 }).EpochsDone);
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
