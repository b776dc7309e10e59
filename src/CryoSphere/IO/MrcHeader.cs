using System.Buffers.Binary;
using System.Text;

namespace CryoSphere.IO;

/// <summary>
/// The 1024-byte MRC2014 header, every field. Read leniently (old cryoDRGN/RELION stacks have no
/// <c>MAP </c> and a zero machine stamp: taken as little-endian), written exactly.
/// </summary>
public sealed class MrcHeader
{
    /// <summary>Size of the fixed header in bytes.</summary>
    public const int Size = 1024;

    public int Nx { get; init; }
    public int Ny { get; init; }
    public int Nz { get; init; }
    public int Mode { get; init; } = 2;
    public int NxStart { get; init; }
    public int NyStart { get; init; }
    public int NzStart { get; init; }
    public int Mx { get; init; }
    public int My { get; init; }
    public int Mz { get; init; }
    public float CellX { get; init; }
    public float CellY { get; init; }
    public float CellZ { get; init; }
    public float CellAlpha { get; init; } = 90;
    public float CellBeta { get; init; } = 90;
    public float CellGamma { get; init; } = 90;
    public int MapC { get; init; } = 1;
    public int MapR { get; init; } = 2;
    public int MapS { get; init; } = 3;
    public float DMin { get; init; }
    public float DMax { get; init; }
    public float DMean { get; init; }
    public int Ispg { get; init; }
    public int Nsymbt { get; init; }
    public string ExtType { get; init; } = "";
    public int NVersion { get; init; }
    public float OriginX { get; init; }
    public float OriginY { get; init; }
    public float OriginZ { get; init; }
    /// <summary>Word 53; <c>"MAP "</c> in a conforming file.</summary>
    public string MapId { get; init; } = "";
    /// <summary>Word 54, four bytes: 0x44 0x44 0 0 little-endian, 0x11 0x11 0 0 big-endian.</summary>
    public byte[] MachineStamp { get; init; } = new byte[4];
    public float Rms { get; init; }
    public int NLabels { get; init; }
    public string[] Labels { get; init; } = [];

    /// <summary>The data mode as an enum (only supported modes survive <see cref="Parse"/>).</summary>
    public MrcMode DataMode => (MrcMode)Mode;

    /// <summary>True when the machine stamp says big-endian.</summary>
    public bool IsBigEndian => MachineStamp.Length > 0 && MachineStamp[0] == 0x11;

    /// <summary>True when word 53 holds <c>MAP </c>.</summary>
    public bool HasMapId => MapId == "MAP ";

    /// <summary>Bytes per voxel of <see cref="Mode"/>.</summary>
    public int BytesPerVoxel => MrcCodec.BytesPerVoxel(DataMode);

    /// <summary>Byte offset of the first voxel: header plus extended header.</summary>
    public long DataOffset => Size + (long)Nsymbt;

    /// <summary>Bytes of voxel data the header promises.</summary>
    public long DataBytes => (long)Nx * Ny * Nz * BytesPerVoxel;

    /// <summary>Voxel size along x in Å: cell/mx, falling back to cell/nx when mx is 0; 0 when the cell is unset.</summary>
    public double VoxelSize => Spacing(CellX, Mx, Nx);

    /// <summary>Voxel sizes along x, y, z in Å (same rule as <see cref="VoxelSize"/>).</summary>
    public (double X, double Y, double Z) VoxelSizes => (Spacing(CellX, Mx, Nx), Spacing(CellY, My, Ny), Spacing(CellZ, Mz, Nz));

    private static double Spacing(float cell, int m, int n)
    {
        int div = m > 0 ? m : n;
        if (div <= 0 || !float.IsFinite(cell) || cell <= 0) return 0;
        return (double)cell / div;
    }

    /// <summary>Reads and validates the header of <paramref name="path"/>, including the file-size check.</summary>
    public static MrcHeader Read(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        long length;
        var buf = new byte[Size];
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        {
            length = fs.Length;
            if (length == 0) throw new InputException(path, "empty file, not an MRC file");
            if (length < Size) throw new InputException(path, $"too short for an MRC file: {length} bytes, the header alone is {Size}");
            fs.ReadExactly(buf);
        }
        var h = Parse(buf, path);
        h.CheckFileLength(path, length);
        return h;
    }

    /// <summary>Parses a header from the first 1024 bytes; throws <see cref="InputException"/> on nonsense.</summary>
    public static MrcHeader Parse(ReadOnlySpan<byte> span, string path)
    {
        if (span.Length < Size) throw new InputException(path, $"too short for an MRC header: {span.Length} bytes");
        // Local readers below cannot capture a span, so work on a copy of the 1 KB header.
        byte[] b = span[..Size].ToArray();
        bool big = b[212] == 0x11;
        // A zero stamp is common; if little-endian gives an absurd mode but big-endian a sane one, trust the data.
        if (b[212] == 0 && !MrcCodec.IsSupported(BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(12)))
            && MrcCodec.IsSupported(BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(12))))
            big = true;
        int I(int word) => big ? BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4 * word, 4)) : BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(4 * word, 4));
        float F(int word) => big ? BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(4 * word, 4)) : BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(4 * word, 4));
        int nlabl = I(55);
        var labels = new List<string>();
        for (int i = 0; i < Math.Clamp(nlabl, 0, 10); i++)
            labels.Add(Encoding.Latin1.GetString(b.AsSpan(224 + 80 * i, 80)).TrimEnd('\0', ' '));
        var stamp = b.AsSpan(212, 4).ToArray();
        if (big && stamp[0] == 0) stamp = [0x11, 0x11, 0, 0];
        var h = new MrcHeader
        {
            Nx = I(0), Ny = I(1), Nz = I(2), Mode = I(3),
            NxStart = I(4), NyStart = I(5), NzStart = I(6),
            Mx = I(7), My = I(8), Mz = I(9),
            CellX = F(10), CellY = F(11), CellZ = F(12), CellAlpha = F(13), CellBeta = F(14), CellGamma = F(15),
            MapC = I(16), MapR = I(17), MapS = I(18),
            DMin = F(19), DMax = F(20), DMean = F(21),
            Ispg = I(22), Nsymbt = I(23),
            ExtType = Encoding.Latin1.GetString(b.AsSpan(104, 4)).TrimEnd('\0'),
            NVersion = I(27),
            OriginX = F(49), OriginY = F(50), OriginZ = F(51),
            MapId = Encoding.Latin1.GetString(b.AsSpan(208, 4)),
            MachineStamp = stamp,
            Rms = F(54), NLabels = nlabl, Labels = labels.ToArray(),
        };
        if (h.Nx <= 0 || h.Ny <= 0 || h.Nz < 0)
            throw new InputException(path, $"bad MRC dimensions {h.Nx}x{h.Ny}x{h.Nz} (must be positive)");
        if (!MrcCodec.IsSupported(h.Mode))
            throw new InputException(path, $"unsupported MRC mode {h.Mode} (supported: 0 int8, 1 int16, 2 float32, 6 uint16, 12 float16)");
        if (h.Nsymbt < 0) throw new InputException(path, $"bad extended header size {h.Nsymbt}");
        return h;
    }

    /// <summary>Throws unless the file is exactly header + extended header + data long.</summary>
    public void CheckFileLength(string path, long fileLength)
    {
        long expected = DataOffset + DataBytes;
        if (fileLength != expected)
            throw new InputException(path,
                $"truncated or corrupt: header says {expected} bytes ({Size} header + {Nsymbt} extended + {DataBytes} data for {Nx}x{Ny}x{Nz} mode {Mode}), file has {fileLength}");
    }

    /// <summary>Writes this header little-endian; the stamp is always 0x44 0x44 0 0 and the ID <c>MAP </c>.</summary>
    public void WriteTo(Span<byte> dst)
    {
        if (dst.Length < Size) throw new ArgumentException("need 1024 bytes", nameof(dst));
        var b = new byte[Size];
        void I(int word, int v) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 * word, 4), v);
        void F(int word, float v) => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * word, 4), v);
        I(0, Nx); I(1, Ny); I(2, Nz); I(3, Mode);
        I(4, NxStart); I(5, NyStart); I(6, NzStart);
        I(7, Mx); I(8, My); I(9, Mz);
        F(10, CellX); F(11, CellY); F(12, CellZ); F(13, CellAlpha); F(14, CellBeta); F(15, CellGamma);
        I(16, MapC); I(17, MapR); I(18, MapS);
        F(19, DMin); F(20, DMax); F(21, DMean);
        I(22, Ispg); I(23, Nsymbt);
        Encoding.Latin1.GetBytes(ExtType.PadRight(4, '\0').Substring(0, 4), b.AsSpan(104, 4));
        I(27, NVersion);
        F(49, OriginX); F(50, OriginY); F(51, OriginZ);
        Encoding.ASCII.GetBytes("MAP ", b.AsSpan(208, 4));
        b[212] = 0x44; b[213] = 0x44; b[214] = 0; b[215] = 0;
        F(54, Rms);
        int n = Math.Min(Labels.Length, 10);
        I(55, n);
        for (int i = 0; i < n; i++)
        {
            string l = Labels[i].Length > 80 ? Labels[i].Substring(0, 80) : Labels[i];
            Encoding.Latin1.GetBytes(l, b.AsSpan(224 + 80 * i, 80));
        }
        b.CopyTo(dst);
    }
}
