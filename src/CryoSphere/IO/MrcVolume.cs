namespace CryoSphere.IO;

/// <summary>A 3-D MRC map held in memory: <see cref="Data"/> is x fastest, then y, then z.</summary>
public sealed class MrcVolume
{
    public required float[] Data { get; init; }
    public required int Nx { get; init; }
    public required int Ny { get; init; }
    public required int Nz { get; init; }

    /// <summary>Voxel size in Å along x (header cell/mx; 0 when the header has none).</summary>
    public required double VoxelSize { get; init; }

    /// <summary>Origin in Å (header words 50–52).</summary>
    public required (double X, double Y, double Z) Origin { get; init; }

    public required MrcHeader Header { get; init; }

    /// <summary>Reads a whole MRC map; non-cubic maps keep their header shape.</summary>
    public static MrcVolume Read(string path)
    {
        var h = MrcHeader.Read(path);
        long n = (long)h.Nx * h.Ny * h.Nz;
        if (n > Array.MaxLength) throw new InputException(path, $"volume {h.Nx}x{h.Ny}x{h.Nz} is too large to hold in memory");
        var data = new float[n];
        int bpv = h.BytesPerVoxel;
        const int chunkVoxels = 1 << 18;
        var buf = new byte[chunkVoxels * bpv];
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        fs.Seek(h.DataOffset, SeekOrigin.Begin);
        for (long done = 0; done < n;)
        {
            int count = (int)Math.Min(chunkVoxels, n - done);
            var bytes = buf.AsSpan(0, count * bpv);
            fs.ReadExactly(bytes);
            MrcCodec.Decode(bytes, h.DataMode, h.IsBigEndian, data.AsSpan((int)done, count));
            done += count;
        }
        return new MrcVolume
        {
            Data = data, Nx = h.Nx, Ny = h.Ny, Nz = h.Nz, VoxelSize = h.VoxelSize,
            Origin = (h.OriginX, h.OriginY, h.OriginZ), Header = h,
        };
    }
}
