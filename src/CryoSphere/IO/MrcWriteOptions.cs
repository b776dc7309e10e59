namespace CryoSphere.IO;

/// <summary>What to write into an MRC file besides the voxels.</summary>
/// <param name="Nx">Columns.</param>
/// <param name="Ny">Rows.</param>
/// <param name="Nz">Sections (volume) or images (stack).</param>
/// <param name="VoxelSize">Å per voxel.</param>
/// <param name="IsStack">True for an image stack (ispg 0, mz 1), false for a volume (ispg 1, mz nz).</param>
/// <param name="Mode">Data mode; float32 unless asked otherwise.</param>
/// <param name="Origin">Origin in Å (words 50–52).</param>
/// <param name="Label">One 80-character label.</param>
public sealed record MrcWriteOptions(
    int Nx,
    int Ny,
    int Nz,
    double VoxelSize,
    bool IsStack,
    MrcMode Mode = MrcMode.Float32,
    (double X, double Y, double Z)? Origin = null,
    string Label = "CryoSphere")
{
    internal MrcHeader BuildHeader(int nz, in MrcStats stats)
    {
        // MRC2014: an image stack samples one section per image (mz = 1); a volume has mz = nz.
        int mz = IsStack ? 1 : nz;
        var o = Origin ?? (0, 0, 0);
        return new MrcHeader
        {
            Nx = Nx, Ny = Ny, Nz = nz, Mode = (int)Mode,
            Mx = Nx, My = Ny, Mz = mz,
            CellX = (float)(Nx * VoxelSize), CellY = (float)(Ny * VoxelSize), CellZ = (float)(mz * VoxelSize),
            CellAlpha = 90, CellBeta = 90, CellGamma = 90,
            MapC = 1, MapR = 2, MapS = 3,
            DMin = stats.Min, DMax = stats.Max, DMean = stats.Mean, Rms = stats.Rms,
            Ispg = IsStack ? 0 : 1, Nsymbt = 0, ExtType = "", NVersion = 20140,
            OriginX = (float)o.X, OriginY = (float)o.Y, OriginZ = (float)o.Z,
            MapId = "MAP ", MachineStamp = [0x44, 0x44, 0, 0],
            NLabels = 1, Labels = [Label],
        };
    }

    internal void Validate()
    {
        if (Nx <= 0 || Ny <= 0 || Nz < 0) throw new ArgumentException($"bad MRC dimensions {Nx}x{Ny}x{Nz}");
        if (!MrcCodec.IsSupported((int)Mode)) throw new ArgumentException($"unsupported MRC mode {Mode}");
    }
}
