using CryoSphere.Analysis;
using CryoSphere.IO;
using CryoSphere.Simulation;

namespace CryoSphere.Tests.Analysis;

public class InformationCeilingTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    private static string Simulate(params string[] extra)
    {
        string dir = TestData.TempDir("ceil");
        var r = CliRunner.Run(["simulate", "--structure", Ake, "--chains", "A", "--npix", "32", "--apix", "3", "--seed", "2", "--out", dir, .. extra]);
        Assert.True(r.ExitCode == 0, r.Err);
        return dir;
    }

    private static readonly string[] Hinge = ["--select", "A:122-159", "--axis", "A:118,A:167", "--angle-range=-45,45", "--n-images", "60"];

    [Fact]
    public void NoiseFreeHingeCeilingIsOneAndEstimatesAreTheNearestGridAngle()
    {
        var c = InformationCeiling.Compute(SimulationTruth.Open(Simulate([.. Hinge, "--no-noise", "--shift-max", "3"])), 60);
        Assert.Equal(["angle_deg"], c.Coordinates);
        Assert.Equal(60, c.Images);
        Assert.Equal(InformationCeiling.Steps1D, c.GridPoints);
        Assert.True(c.R[0] > 0.99, $"r = {c.R[0]}");
        Assert.Null(c.StateAccuracy);
        // Without noise the best grid angle is (about) the nearest: at most one 2.25° step away.
        double step = 90.0 / (InformationCeiling.Steps1D - 1);
        for (int i = 0; i < 60; i++) Assert.InRange(Math.Abs(c.Estimates[0][i] - c.Truth[0][i]), 0, step + 1e-9);
        Assert.Equal(Statistics.Pearson(c.Estimates[0], c.Truth[0]), c.R[0], 12);
    }

    [Fact]
    public void HeavyNoiseLowersTheCeiling()
    {
        var clean = InformationCeiling.Compute(SimulationTruth.Open(Simulate([.. Hinge, "--no-noise"])), 60);
        var noisy = InformationCeiling.Compute(SimulationTruth.Open(Simulate([.. Hinge, "--snr", "0.002"])), 60);
        Assert.True(noisy.R[0] < clean.R[0] - 0.1, $"noisy r {noisy.R[0]} vs clean {clean.R[0]}");
    }

    /// <summary>
    /// The candidates' projections with the atoms no state moves projected once per pose equal those with every atom
    /// projected for every state (the projection is a sum over atoms).
    /// </summary>
    [Fact]
    public void StillAtomsProjectedOncePerPoseGiveTheSameCandidates()
    {
        var s = StructureReader.ReadStructure(Ake, ["A"]);
        var hinge = new HingeMotion(s, ["A:122-159"], "A:118,A:167", [-45, 45], null);
        float[] states = Enumerable.Range(0, 7).SelectMany(i => hinge.Coordinates([-45 + 15.0 * i])).ToArray();
        var grid = new CryoSphere.Imaging.ImageGrid(48, 2.0);
        using var split = new CandidateRenderer(TorchSharp.torch.tensor(states, [7, s.Count, 3]), TorchSharp.torch.tensor(s.Amplitudes), 2.0, grid);
        using var whole = new CandidateRenderer(TorchSharp.torch.tensor(states, [7, s.Count, 3]), TorchSharp.torch.tensor(s.Amplitudes), 2.0, grid, splitStill: false);
        Assert.Equal(s.Count - 38, split.StillAtoms);   // all but the LID's 38 residues
        Assert.Equal(0, whole.StillAtoms);
        // Three poses: a random rotation each (QR of a Gaussian matrix, sign fixed to a proper rotation).
        var rng = new Random(5);
        var rots = new float[3 * 9];
        for (int j = 0; j < 3; j++)
        {
            using var q = TorchSharp.torch.linalg.qr(TorchSharp.torch.tensor(Enumerable.Range(0, 9).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), [3, 3])).Q;
            using var r = TorchSharp.torch.linalg.det(q).item<float>() < 0 ? -q : q.alias();
            r.data<float>().CopyTo(rots, 9 * j);
        }
        using var rot = TorchSharp.torch.tensor(rots, [3, 3, 3]);
        using var a = split.Project(rot);
        using var b = whole.Project(rot);
        Assert.Equal(new long[] { 21, 48, 48 }, a.shape);
        double scale = b.abs().max().item<float>();
        Assert.True(scale > 0);
        Assert.True((a - b).abs().max().item<float>() < 1e-5 * scale, "split and whole projections differ");
        // The states differ where the LID is: the candidates are not all one image.
        Assert.True((b[0] - b[6]).abs().max().item<float>() > 0.01 * scale);
    }

    [Fact]
    public void TrajectoryFramesAreClassifiedExactlyWithoutNoise()
    {
        // Five frames of the LID hinge 0°, 12°, … 48° written as a multi-model trajectory.
        string dir = TestData.TempDir("traj");
        var s = StructureReader.ReadStructure(Ake, ["A"]);
        var hinge = new HingeMotion(s, ["A:122-159"], "A:118,A:167", [0, 60], null);
        string traj = Path.Combine(dir, "traj.pdb");
        StructureReader.Write(traj, Enumerable.Range(0, 5).Select(f => s.WithCoordinates(hinge.Coordinates([12.0 * f])).ToAtomicModel()).ToList());
        string sim = Simulate("--motion", "trajectory", "--trajectory", traj, "--n-images", "40", "--no-noise");
        var c = InformationCeiling.Compute(SimulationTruth.Open(sim), 40);
        Assert.Equal(["frame"], c.Coordinates);
        Assert.Equal(5, c.GridPoints);
        Assert.Equal(1.0, c.StateAccuracy);
        Assert.Equal(1.0, c.R[0], 12);
        Assert.True(c.Truth[0].Distinct().Count() > 1);
    }

    [Fact]
    public void TwoHingeCeilingIsPerCoordinateOnATwoDimensionalGrid()
    {
        string sim = Simulate("--hinge", "A:122-159;A:118,A:167;-45,45", "--hinge", "A:30-59;A:29,A:60;-30,30", "--n-images", "30", "--no-noise");
        var c = InformationCeiling.Compute(SimulationTruth.Open(sim), 30);
        Assert.Equal(["angle_deg_1", "angle_deg_2"], c.Coordinates);
        Assert.Equal(InformationCeiling.StepsND * InformationCeiling.StepsND, c.GridPoints);
        Assert.All(c.R, r => Assert.True(r > 0.98, $"r = {r}"));
        for (int i = 0; i < 30; i++)
        {
            Assert.InRange(Math.Abs(c.Estimates[0][i] - c.Truth[0][i]), 0, 90.0 / 14 + 1e-9);
            Assert.InRange(Math.Abs(c.Estimates[1][i] - c.Truth[1][i]), 0, 60.0 / 14 + 1e-9);
        }
    }

    [Fact]
    public void OracleBenchAndEvaluateShareTheCeiling()
    {
        // Fewer images than asked for: the ceiling scores what there is.
        var c = InformationCeiling.Compute(SimulationTruth.Open(Simulate([.. Hinge[..^1], "5", "--no-noise"])), 500);
        Assert.Equal(5, c.Images);
        Assert.Throws<InputException>(() => InformationCeiling.Compute(SimulationTruth.Open(TestData.TempDir("none")), 10));
    }
}
