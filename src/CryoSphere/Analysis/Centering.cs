using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>What <see cref="Centering.Run"/> did: the translation applied and the files written.</summary>
public sealed record CenterResult((double X, double Y, double Z) Translation, string StructurePath, string? MapPath, bool FromMap);

/// <summary>
/// Puts a structure (and its consensus map) into the training box frame, where the box centre (pixel ⌊n/2⌋) is at 0.
/// With a map, the structure moves by −(map's box centre) and the map gets origin −⌊n/2⌋·voxel, so both still
/// overlay; without one, the Cα centroid moves to 0.
/// </summary>
public static class Centering
{
    public static CenterResult Run(string structurePath, string? mapPath, string outDir)
    {
        if (!File.Exists(structurePath)) throw new InputException(structurePath, "structure file not found");
        if (mapPath is not null && !File.Exists(mapPath)) throw new InputException(mapPath, "map file not found");
        var model = StructureReader.Read(structurePath);
        (double X, double Y, double Z) centre;
        MrcVolume? map = null;
        if (mapPath is not null)
        {
            map = MrcVolume.Read(mapPath);
            if (!(map.VoxelSize > 0)) throw new InputException(mapPath, "the map header has no voxel size");
            centre = BoxCentre(map);
        }
        else centre = Structure.FromAtomicModel(model).Centroid();

        foreach (var a in model.Atoms)
        {
            a.X -= centre.X;
            a.Y -= centre.Y;
            a.Z -= centre.Z;
        }
        Directory.CreateDirectory(outDir);
        bool cif = IsCif(structurePath) || model.Chains.Any(c => c.Id.Length > 1) || model.AtomCount > 99_999;
        string sOut = Path.Combine(outDir, "structure_centered" + (cif ? ".cif" : ".pdb"));
        StructureReader.Write(sOut, [model]);
        string? mOut = null;
        if (map is not null)
        {
            mOut = Path.Combine(outDir, "map_centered.mrc");
            double v = map.VoxelSize;
            MrcWriter.WriteVolume(mOut, map.Data, map.Nx, map.Ny, map.Nz, v, (-(map.Nx / 2) * v, -(map.Ny / 2) * v, -(map.Nz / 2) * v));
        }
        return new CenterResult((-centre.X, -centre.Y, -centre.Z), sOut, mOut, map is not null);
    }

    /// <summary>
    /// Position (Å) of voxel (⌊nx/2⌋, ⌊ny/2⌋, ⌊nz/2⌋) in the map's frame: origin + index·voxel (an all-zero origin
    /// with non-zero n*start words means the start words place the map, as ChimeraX reads it).
    /// </summary>
    public static (double X, double Y, double Z) BoxCentre(MrcVolume map)
    {
        double v = map.VoxelSize;
        var o = map.Origin;
        var h = map.Header;
        if (o == (0, 0, 0) && (h.NxStart, h.NyStart, h.NzStart) != (0, 0, 0)) o = (h.NxStart * v, h.NyStart * v, h.NzStart * v);
        return (o.X + map.Nx / 2 * v, o.Y + map.Ny / 2 * v, o.Z + map.Nz / 2 * v);
    }

    private static bool IsCif(string path) => Path.GetExtension(path).ToLowerInvariant() is ".cif" or ".mmcif";
}
