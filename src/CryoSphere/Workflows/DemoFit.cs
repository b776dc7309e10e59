using System.Diagnostics;
using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.Workflows;

/// <summary>What the demo's frame-recovery step measured: Cα RMSD of the start and of the fit to the true frame.</summary>
public sealed record DemoFitResult(string FittedPath, double RmsdBefore, double RmsdAfter, double CorrelationBefore, double CorrelationAfter, double Seconds);

/// <summary>
/// The demo's first step of the paper's pipeline: the simulation's base structure (the bundled chain in the box
/// frame, the truth) is displaced by a seeded random rigid transform, a consensus map is backprojected from the
/// simulated particles (Fourier-cropped to 32 px: a 4 Å voxel is ample to place a rigid body), and the displaced
/// structure is fitted into it; training then starts from the fitted structure, as it would from a user's
/// AlphaFold model fitted into their own reconstruction.
/// </summary>
public static class DemoFit
{
    /// <summary>Images backprojected and the box they are cropped to: the step costs seconds, not minutes.</summary>
    public const int Images = 1500, Npix = 32;

    /// <summary>Largest random displacement of the start, Å (plus a uniform random rotation).</summary>
    public const double MaxShiftA = 10;

    public static DemoFitResult Run(string truthPdb, string particlesStar, string outDir, int seed, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var truth = StructureReader.ReadStructure(truthPdb);
        // A separate stream from the simulation's seed, so the displacement does not repeat the poses' draws.
        var start = RigidDisplacement.Random(new Random(unchecked(seed * 7919 + 14)), truth.Coordinates, MaxShiftA);
        var model = StructureReader.Read(truthPdb);
        foreach (var atom in model.Atoms)
        {
            var (x, y, z) = start.Apply(atom.X, atom.Y, atom.Z);
            atom.X = x; atom.Y = y; atom.Z = z;
        }
        string startPdb = Path.Combine(outDir, "start.pdb"), fittedPdb = Path.Combine(outDir, "fitted.pdb");
        StructureReader.Write(startPdb, [model]);

        string bpDir = Path.Combine(outDir, "backprojection");
        Backprojection.Run(new BackprojectOptions { Particles = particlesStar, First = Images, Downsample = Npix, OutDir = bpDir, Seed = seed }, ct: ct);
        ct.ThrowIfCancellationRequested();
        var fit = MapFit.Run(new MapFitOptions { StructurePath = startPdb, MapPath = Path.Combine(bpDir, "map.mrc"), OutPath = fittedPdb, Fit = new RigidFit.Options { Seed = seed } });
        double before = RigidDisplacement.Rmsd(StructureReader.ReadStructure(startPdb).Coordinates, truth.Coordinates);
        double after = RigidDisplacement.Rmsd(StructureReader.ReadStructure(fittedPdb).Coordinates, truth.Coordinates);
        return new DemoFitResult(fittedPdb, before, after, fit.CorrelationBefore, fit.Transform.Correlation, clock.Elapsed.TotalSeconds);
    }
}
