using System.Diagnostics;
using System.Text.Json;
using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.Workflows;

/// <summary>Everything `cryosphere fit` takes.</summary>
public sealed record MapFitOptions
{
    public required string StructurePath { get; init; }
    public required string MapPath { get; init; }
    public string[]? Chains { get; init; }
    /// <summary>Fitted structure (.pdb or .cif); the transform goes beside it as NAME.transform.json.</summary>
    public required string OutPath { get; init; }
    public RigidFit.Options Fit { get; init; } = new();
    /// <summary>Optional particles (poses, CTF) in the map's box: report how well the model explains them before and after.</summary>
    public string? Particles { get; init; }
    public string? DataDir { get; init; }
    /// <summary>Particles used for that check.</summary>
    public int ParticleCount { get; init; } = 500;
}

public sealed record MapFitResult(string OutPath, string TransformPath, RigidTransform Transform, double CorrelationBefore, double Seconds,
    double? ParticleCorrelationBefore = null, double? ParticleCorrelationAfter = null);

/// <summary>
/// Fits a structure's Cα Gaussians into a map with <see cref="RigidFit"/> and moves every atom of the file (not only
/// the Cα) by the transform found. Map and structure meet in absolute Å: the map's voxel v sits at origin + v·apix,
/// so the box frame is the absolute frame shifted by origin + ⌊N/2⌋·apix (0 for maps written by `volume`).
/// </summary>
public static class MapFit
{
    public static MapFitResult Run(MapFitOptions o)
    {
        var clock = Stopwatch.StartNew();
        if (!File.Exists(o.MapPath)) throw new InputException(o.MapPath, "map file not found");
        if (!File.Exists(o.StructurePath)) throw new InputException(o.StructurePath, "structure file not found");
        var map = MrcVolume.Read(o.MapPath);
        if (map.Nx != map.Ny || map.Nx != map.Nz) throw new InputException(o.MapPath, $"map is {map.Nx}x{map.Ny}x{map.Nz}; fit needs a cubic map");
        if (!(map.VoxelSize > 0)) throw new InputException(o.MapPath, "the header has no voxel size");
        int n = map.Nx;
        double a = map.VoxelSize;
        double[] frame = { map.Origin.X + n / 2 * a, map.Origin.Y + n / 2 * a, map.Origin.Z + n / 2 * a };

        var model = StructureReader.Read(o.StructurePath);
        var s = Structure.FromAtomicModel(model, o.Chains);
        var box = new float[s.Coordinates.Length];
        for (int i = 0; i < box.Length; i++) box[i] = (float)(s.Coordinates[i] - frame[i % 3]);
        double before = RigidFit.Correlation(box, s.Amplitudes, map.Data, n, a, o.Fit.Sigma);
        var t = RigidFit.Fit(box, s.Amplitudes, map.Data, n, a, o.Fit);
        // Back to absolute Å: the same rotation and translation about the centre moved by the frame offset.
        var abs = t with { Centre = [t.Centre[0] + frame[0], t.Centre[1] + frame[1], t.Centre[2] + frame[2]] };
        foreach (var atom in model.Atoms)
        {
            var (x, y, z) = abs.Apply(atom.X, atom.Y, atom.Z);
            atom.X = x; atom.Y = y; atom.Z = z;
        }
        double[]? agreement = null;
        if (o.Particles is { } pp)
        {
            var fitted = new float[box.Length];
            for (int i = 0; i < s.Count; i++)
            {
                var (x, y, z) = t.Apply(box[3 * i], box[3 * i + 1], box[3 * i + 2]);
                fitted[3 * i] = (float)x; fitted[3 * i + 1] = (float)y; fitted[3 * i + 2] = (float)z;
            }
            using var ds = Data.ParticleDataset.Open(pp, new Data.ParticleOpenOptions { DataDir = o.DataDir, RequirePoses = true });
            agreement = ParticleAgreement.MeanCorrelation(ds, o.ParticleCount, [box, fitted], s.Amplitudes, o.Fit.Sigma, n, a);
        }
        StructureReader.Write(o.OutPath, [model]);
        string transformPath = Path.ChangeExtension(o.OutPath, null) + ".transform.json";
        AtomicFile.WriteAllText(transformPath, JsonSerializer.Serialize(new
        {
            form = "x' = R·(x − centre) + centre + translation (Å, R row-major)",
            rotation = abs.Rotation, translation = abs.Translation, centre = abs.Centre,
            correlation_before = before, correlation_after = abs.Correlation,
            particle_correlation_before = agreement?[0], particle_correlation_after = agreement?[1],
        }, new JsonSerializerOptions { WriteIndented = true }));
        return new MapFitResult(o.OutPath, transformPath, abs, before, clock.Elapsed.TotalSeconds, agreement?[0], agreement?[1]);
    }
}
