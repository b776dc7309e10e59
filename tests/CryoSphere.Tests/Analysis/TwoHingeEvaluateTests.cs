using System.Text.Json;

namespace CryoSphere.Tests.Analysis;

/// <summary>evaluate on a simulation with two independent hinges (a two-dimensional truth), after a tiny training run.</summary>
public class TwoHingeEvaluateTests
{
    // Trains a (tiny) run: about 15 s alone, more on a busy machine.
    [Fact]
    [Trait("Category", "Slow")]
    public void EveryTruthCoordinateGetsItsPcLinearFitAndCeiling()
    {
        string root = TestData.TempDir("twohinge");
        string sim = Path.Combine(root, "sim"), runDir = Path.Combine(root, "run"), analysis = Path.Combine(root, "analysis");
        TinyRun.Make(TinyRun.Simulation(sim, 150) with
        {
            Selections = [], Axis = null, Hinges = ["A:122-159;A:118,A:167;-45,45", "A:30-59;A:29,A:60;-30,30"], Snr = 0.1, Seed = 5,
        }, runDir);
        var a = CliRunner.Run("analyze", "--run", runDir, "--out", analysis, "--steps", "2", "--kmeans", "0", "--pcs", "1");
        Assert.True(a.ExitCode == 0, a.Err);
        var r = CliRunner.Run("evaluate", "--analysis", analysis, "--truth", sim, "--particles", "2", "--ceiling-images", "12",
            "--distance", "A:30-59/A:122-159");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("PC vs angle_deg_1", r.Out);
        Assert.Contains("PC vs angle_deg_2", r.Out);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(analysis, "summary.json")));
        var s = doc.RootElement;
        Assert.Equal("angle_deg_1", s.GetProperty("truth_coordinate").GetString());
        var coords = s.GetProperty("coordinates").EnumerateArray().ToArray();
        Assert.Equal(["angle_deg_1", "angle_deg_2"], coords.Select(c => c.GetProperty("name").GetString()));
        var ceiling = s.GetProperty("ceiling");
        Assert.Equal(15 * 15, ceiling.GetProperty("grid_points").GetInt32());
        Assert.Equal(2, ceiling.GetProperty("r").GetArrayLength());
        for (int k = 0; k < 2; k++)
        {
            // Every PC is a linear function of z, so the fit on all of z can only do better than the best PC.
            Assert.True(coords[k].GetProperty("linear_fit_r").GetDouble() >= coords[k].GetProperty("best_abs_r").GetDouble() - 1e-9);
            Assert.Equal(ceiling.GetProperty("r")[k].GetDouble(), coords[k].GetProperty("ceiling_r").GetDouble());
        }
        // Both domains move, so the true distance between them varies from particle to particle.
        var d = s.GetProperty("distances")[0];
        Assert.True(d.GetProperty("true_sd").GetDouble() > 0.5, d.ToString());
    }
}
