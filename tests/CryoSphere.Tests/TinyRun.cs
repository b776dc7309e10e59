using CryoSphere.Simulation;
using CryoSphere.Training;

namespace CryoSphere.Tests;

/// <summary>
/// The shared setup of tests that need a trained run: a tiny simulation (1ake chain A, LID hinged, 32 px at 3 Å)
/// and a 2-epoch run on it with small networks, on one thread.
/// </summary>
public static class TinyRun
{
    /// <summary>The simulation (change it with <c>with</c>: other motions, SNR, seed).</summary>
    public static SimulationOptions Simulation(string outDir, int images) => new()
    {
        StructurePath = TestData.Structure("1ake.pdb"),
        Chains = ["A"],
        Motion = "hinge",
        Selections = ["A:122-159"],
        Axis = "A:118,A:167",
        NImages = images,
        Npix = 32,
        Apix = 3.0,
        Seed = 1,
        OutDirValue = outDir,
    };

    /// <summary>Two epochs of small networks on <paramref name="simDir"/> into <paramref name="runDir"/>.</summary>
    public static TrainOptions Training(string simDir, string runDir) => new()
    {
        BaseStructurePath = Path.Combine(simDir, "base.pdb"),
        ParticlesPath = Path.Combine(simDir, "particles.star"),
        OutDir = runDir,
        Epochs = 2,
        BatchSize = 64,
        EncoderHidden = [64, 32],
        DecoderHidden = [64],
        Segmentation = [new SegmentationPartOptions { Segments = 4 }],
        Device = "cpu",
        Threads = 1,
        Seed = 1,
    };

    /// <summary>Simulates <paramref name="simulation"/> and trains on it into <paramref name="runDir"/>.</summary>
    public static void Make(SimulationOptions simulation, string runDir)
    {
        Simulator.Run(simulation);
        Trainer.Run(Training(simulation.OutDirValue!, runDir));
    }
}
