using CryoSphere.Simulation;
using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

/// <summary>A small simulated hinge dataset (1ake chain A), made once and shared by the training tests.</summary>
public sealed class TinyDataset
{
    public string Dir { get; }

    public TinyDataset()
    {
        Dir = TestData.TempDir("tiny-sim");
        Simulator.Run(new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", Range = [0, 30], NImages = 160, Npix = 32, Apix = 4, Snr = 1.0, Seed = 3, ShiftMax = 2,
            OutDirValue = Dir,
        });
    }

    /// <summary>Options for a fast run on this dataset into <paramref name="outDir"/>.</summary>
    public TrainOptions Options(string outDir, int epochs) => new()
    {
        BaseStructurePath = Path.Combine(Dir, "base.pdb"),
        ParticlesPath = Path.Combine(Dir, "particles.star"),
        OutDir = outDir,
        Epochs = epochs,
        BatchSize = 32,
        EncoderHidden = [64, 32],
        DecoderHidden = [64],
        Segmentation = [new SegmentationPartOptions { Segments = 4 }],
        Threads = 1,
        Seed = 7,
        KeepCheckpoints = 0,
        Continuity = new LossTermOptions("constant", 0.1),
        Clash = new LossTermOptions("constant", 0.1),
    };
}
