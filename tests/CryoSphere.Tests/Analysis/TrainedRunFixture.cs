using CryoSphere.Simulation;
using CryoSphere.Training;

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
        Simulator.Run(new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"),
            Chains = ["A"],
            Motion = "hinge",
            Selections = ["A:122-159"],
            Axis = "A:118,A:167",
            NImages = Images,
            Npix = 32,
            Apix = 3.0,
            Seed = 1,
            OutDirValue = SimDir,
        });
        Trainer.Run(new TrainOptions
        {
            BaseStructurePath = Path.Combine(SimDir, "base.pdb"),
            ParticlesPath = Path.Combine(SimDir, "particles.star"),
            OutDir = RunDir,
            Epochs = 2,
            BatchSize = 64,
            EncoderHidden = [64, 32],
            DecoderHidden = [64],
            Segmentation = [new SegmentationPartOptions { Segments = 4 }],
            Device = "cpu",
            Threads = 1,
            Seed = 1,
        });
        Analyze = CliRunner.Run("analyze", "--run", RunDir, "--out", AnalysisDir, "--steps", Steps.ToString(), "--kmeans", "3",
            "--volumes", "--all-structures", "--select", Select);
    }
}
