using CryoSphere.Geometry;
using CryoSphere.IO;
using CryoSphere.Simulation;
using CryoSphere.Workflows;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Workflows;

/// <summary>
/// End to end: noisy particles of 1AKE chain A → backprojected map → the chain, moved by a random rigid transform,
/// fitted back into that map; the fit must land on the simulation's truth and explain the particles better than before.
/// </summary>
public class FitToBackprojectionTests(ITestOutputHelper log)
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    [Fact]
    public void FitIntoABackprojectedMapRecoversTheTruthAndAgreesBetterWithTheParticles()
    {
        set_num_threads(1);
        string sim = TestData.TempDir("fit-sim");
        Simulator.Run(new SimulationOptions
        {
            StructurePath = Ake, Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"], Axis = "A:118,A:167", Range = [0, 0],
            NImages = 800, Npix = 32, Apix = 3, Snr = 0.1, ShiftMax = 4, Seed = 21, OutDirValue = sim,
        });
        string star = Path.Combine(sim, "particles.star"), bp = TestData.TempDir("fit-bp");
        Backprojection.Run(new BackprojectOptions { Particles = star, OutDir = bp });

        var truth = StructureReader.ReadStructure(Path.Combine(sim, "base.pdb"));
        var rng = new Random(5);
        double[] rot = Rotations.UniformRandom(rng);
        var moved = new float[truth.Coordinates.Length];
        for (int i = 0; i < truth.Count; i++)
        {
            double[] v = Rotations.Apply(rot, [truth.Coordinates[3 * i], truth.Coordinates[3 * i + 1], truth.Coordinates[3 * i + 2]]);
            for (int k = 0; k < 3; k++) moved[3 * i + k] = (float)(v[k] + 5 * (k - 1));
        }
        string movedPdb = Path.Combine(bp, "moved.pdb"), fittedPdb = Path.Combine(bp, "fitted.pdb");
        Pdb.Write(movedPdb, truth.ToAtomicModel(moved));

        var r = MapFit.Run(new MapFitOptions
        {
            StructurePath = movedPdb, MapPath = Path.Combine(bp, "map.mrc"), OutPath = fittedPdb, Particles = star, ParticleCount = 300,
        });
        var fitted = StructureReader.ReadStructure(fittedPdb);
        double sum = 0;
        for (int i = 0; i < truth.Coordinates.Length; i++) sum += Math.Pow(fitted.Coordinates[i] - truth.Coordinates[i], 2);
        double rmsd = Math.Sqrt(sum / truth.Count);
        string msg = $"RMSD {rmsd:F3} Å; map correlation {r.CorrelationBefore:F3} → {r.Transform.Correlation:F3}; particles {r.ParticleCorrelationBefore:F4} → {r.ParticleCorrelationAfter:F4}; {r.Seconds:F1} s";
        log.WriteLine(msg);
        Assert.True(rmsd < 1.0, msg);
        Assert.True(r.ParticleCorrelationAfter > r.ParticleCorrelationBefore + 0.05, msg);
    }
}
