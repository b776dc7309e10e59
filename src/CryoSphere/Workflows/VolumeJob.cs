using CryoSphere.Imaging;
using CryoSphere.IO;
using static TorchSharp.torch;

namespace CryoSphere.Workflows;

/// <summary>
/// A structure rendered as a box-centred map with the training Gaussians and written as MRC (<c>cryosphere volume</c>):
/// the origin is put at −(n/2)·apix so that the model's frame (origin = box centre) lands on the map's centre voxel.
/// </summary>
public static class VolumeJob
{
    /// <summary>Reads <paramref name="structurePath"/> (keeping <paramref name="chains"/>, all when null), renders it
    /// (its Cα centroid moved to the box centre first when <paramref name="center"/>) into an n³ map and writes it to
    /// <paramref name="outPath"/>; returns the map's origin, Å, and the residues rendered. The numbers are checked
    /// before the structure is read.</summary>
    public static (double Origin, int Residues) Run(string structurePath, IEnumerable<string>? chains, int n, double apix,
        double sigma, bool center, string outPath)
    {
        if (n < 2 || n > 1024) throw new InputException($"--npix {n}: must be between 2 and 1024");
        if (!(apix > 0)) throw new InputException($"--apix must be positive (got {apix})");
        if (!(sigma > 0)) throw new InputException($"--sigma must be positive (got {sigma})");
        var s = StructureReader.ReadStructure(structurePath, chains);
        var xyz = (float[])s.Coordinates.Clone();
        if (center)
        {
            var c = s.Centroid();
            for (int i = 0; i < xyz.Length; i += 3) { xyz[i] -= (float)c.X; xyz[i + 1] -= (float)c.Y; xyz[i + 2] -= (float)c.Z; }
        }
        float[] map;
        using (NativeCallGuard.Enter(256L << 20))
        using (var scope = NewDisposeScope())
            map = VolumeRenderer.RenderToArray(tensor(xyz, [s.Count, 3]), tensor(s.Amplitudes), sigma, new ImageGrid(n, apix));
        double o = -(n / 2) * apix;
        MrcWriter.WriteVolume(outPath, map, n, n, n, apix, (o, o, o));
        return (o, s.Count);
    }
}
