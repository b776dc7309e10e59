using CryoSphere.Workflows;
using CryoSphere.IO;

namespace CryoSphere.Tests.Workflows;

[Collection("torch-threads")]
public class DemoTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void QuickDemoPassesItsOwnThresholdsAndWritesTheReport()
    {
        string dir = Path.Combine(TestData.TempDir("demo"), "out");
        var r = CliRunner.Run("demo", "--quick", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains("PASSED", r.Out);
        Assert.True(File.Exists(Path.Combine(dir, "report.html")));
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("CryoSphere demo", html);
        Assert.Contains("<img", html);
        Assert.True(File.Exists(Path.Combine(dir, "analysis", "pc1", "traversal.pdb")));
        Assert.True(File.Exists(Path.Combine(dir, "analysis", "summary.json")));
        // The frame was recovered before training: the fitted start lies on the simulation's true base structure.
        Assert.Contains("frame recovery", r.Out);
        var fitted = StructureReader.ReadStructure(Path.Combine(dir, "fit", "fitted.pdb"));
        var truth = StructureReader.ReadStructure(Path.Combine(dir, "simulation", "base.pdb"));
        double rmsd = CryoSphere.Analysis.RigidDisplacement.Rmsd(fitted.Coordinates, truth.Coordinates);
        Assert.True(rmsd < 1, $"fitted base structure {rmsd:F2} Å from the true frame");
    }

    [Fact]
    public void BundledStructureIsShippedInsideTheTool()
    {
        string p = Path.Combine(TestData.TempDir("demo"), "1ake.pdb");
        Demo.WriteBundledStructure(p);
        var s = StructureReader.ReadStructure(p, ["A"]);
        Assert.Equal(214, s.Count);
    }

    [Fact]
    public void DemoRefusesToOverwriteAPreviousDemo()
    {
        string dir = TestData.TempDir("demo");
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        File.WriteAllText(Path.Combine(dir, "run", "x"), "");
        CliRunner.AssertOneLineError(CliRunner.Run("demo", "--quick", "--out", dir), "already holds a demo");
    }
}
