
namespace CryoSphere.Tests.Analysis;

/// <summary>
/// A tiny simulation (200 images, 32 px, hinge of 1ake chain A), a 2-epoch training run on it and one analysis,
/// made once and shared by the tests that need a trained run.
/// </summary>
public sealed class TrainedRunFixture
{
    public const int Images = 200;
    public const int Steps = 5;
    public const string Select = "pc1>0";

    public string SimDir { get; }
    public string RunDir { get; }
    public string AnalysisDir { get; }
    public CliRunner.Result Analyze { get; }

    public TrainedRunFixture()
    {
        string root = TestData.TempDir("analysis");
        SimDir = Path.Combine(root, "sim");
        RunDir = Path.Combine(root, "run");
        AnalysisDir = Path.Combine(root, "analysis");
        TinyRun.Make(TinyRun.Simulation(SimDir, Images), RunDir);
        Analyze = CliRunner.Run("analyze", "--run", RunDir, "--out", AnalysisDir, "--steps", Steps.ToString(), "--kmeans", "3",
            "--volumes", "--all-structures", "--select", Select);
    }
}
