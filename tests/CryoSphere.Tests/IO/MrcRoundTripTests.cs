using System.Buffers.Binary;
using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class MrcRoundTripTests
{
    private static float[] Ramp(int n, float scale, float offset) =>
        Enumerable.Range(0, n).Select(i => offset + scale * ((i * 37) % 101)).ToArray();

    [Theory]
    [InlineData(MrcMode.Int8, 1f, -50f)]
    [InlineData(MrcMode.Int16, 100f, -5000f)]
    [InlineData(MrcMode.Float32, 0.123f, -3.5f)]
    [InlineData(MrcMode.UInt16, 300f, 0f)]
    [InlineData(MrcMode.Float16, 0.25f, -10f)]
    public void EveryModeRoundTripsExactlyForRepresentableValues(MrcMode mode, float scale, float offset)
    {
        string path = Path.Combine(TestData.TempDir(), $"m{(int)mode}.mrcs");
        int nx = 7, ny = 5, nz = 3;
        var data = Ramp(nx * ny * nz, scale, offset);
        MrcWriter.Write(path, data, new MrcWriteOptions(nx, ny, nz, 1.5, IsStack: true, Mode: mode));
        Assert.Equal(1024 + nx * ny * nz * new Dictionary<MrcMode, int> { [MrcMode.Int8] = 1, [MrcMode.Int16] = 2, [MrcMode.Float32] = 4, [MrcMode.UInt16] = 2, [MrcMode.Float16] = 2 }[mode],
            new FileInfo(path).Length);
        using var s = MrcStack.Open(path);
        Assert.Equal((int)mode, s.Header.Mode);
        Assert.Equal(data, s.ReadAll());
        Assert.Equal(data.Min(), s.Header.DMin);
        Assert.Equal(data.Max(), s.Header.DMax);
        Assert.Equal(data.Average(v => (double)v), s.Header.DMean, 3);
    }

    [Fact]
    public void IntegerModesRoundAndClamp()
    {
        string path = Path.Combine(TestData.TempDir(), "clamp.mrc");
        MrcWriter.Write(path, [-300f, 2.5f, -2.5f, 1000f], new MrcWriteOptions(4, 1, 1, 1, IsStack: true, Mode: MrcMode.Int8));
        using var s = MrcStack.Open(path);
        Assert.Equal(new float[] { -128, 3, -3, 127 }, s.ReadAll());
    }

    [Fact]
    public void VolumeHeaderIsCompleteAndExact()
    {
        string path = Path.Combine(TestData.TempDir(), "vol.mrc");
        int nx = 4, ny = 6, nz = 8;
        var data = Ramp(nx * ny * nz, 0.5f, -2f);
        MrcWriter.WriteVolume(path, data, nx, ny, nz, 2.5, (10, -20, 30));
        var h = MrcHeader.Read(path);
        Assert.Equal((nx, ny, nz, 2), (h.Nx, h.Ny, h.Nz, h.Mode));
        Assert.Equal((nx, ny, nz), (h.Mx, h.My, h.Mz));
        Assert.Equal((10f, 15f, 20f), (h.CellX, h.CellY, h.CellZ));
        Assert.Equal((90f, 90f, 90f), (h.CellAlpha, h.CellBeta, h.CellGamma));
        Assert.Equal((1, 2, 3), (h.MapC, h.MapR, h.MapS));
        Assert.Equal(1, h.Ispg);
        Assert.Equal(0, h.Nsymbt);
        Assert.Equal(20140, h.NVersion);
        Assert.Equal((10f, -20f, 30f), (h.OriginX, h.OriginY, h.OriginZ));
        Assert.Equal("MAP ", h.MapId);
        Assert.Equal(new byte[] { 0x44, 0x44, 0, 0 }, h.MachineStamp);
        Assert.Equal(1, h.NLabels);
        Assert.Equal("CryoSphere", Assert.Single(h.Labels));
        double mean = data.Average(v => (double)v);
        double rms = Math.Sqrt(data.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(rms, h.Rms, 4);
        Assert.Equal(2.5, h.VoxelSize, 6);

        var v = MrcVolume.Read(path);
        Assert.Equal(data, v.Data);
        Assert.Equal((10.0, -20.0, 30.0), v.Origin);
    }

    [Fact]
    public void StackHeaderMarksAnImageStack()
    {
        string path = Path.Combine(TestData.TempDir(), "st.mrcs");
        MrcWriter.WriteStack(path, Ramp(3 * 3 * 4, 1, 0), 3, 3, 4, 1.7);
        var h = MrcHeader.Read(path);
        Assert.Equal(0, h.Ispg);
        Assert.Equal(4, h.Nz);
        Assert.Equal((1.7, 1.7, 1.7), (Math.Round(h.VoxelSizes.X, 5), Math.Round(h.VoxelSizes.Y, 5), Math.Round(h.VoxelSizes.Z, 5)));
    }

    [Fact]
    public void BigEndianFilesAreDecoded()
    {
        string dir = TestData.TempDir();
        string le = Path.Combine(dir, "le.mrc"), be = Path.Combine(dir, "be.mrc");
        var data = Ramp(5 * 4 * 3, 0.75f, -9f);
        MrcWriter.WriteVolume(le, data, 5, 4, 3, 3.0);
        byte[] b = File.ReadAllBytes(le);
        // Swap every numeric header word (not the MAP id, stamp or labels) and every float.
        for (int w = 0; w < 56; w++)
            if (w is not (26 or 52 or 53)) b.AsSpan(4 * w, 4).Reverse();
        for (int o = 1024; o < b.Length; o += 4) b.AsSpan(o, 4).Reverse();
        b[212] = 0x11; b[213] = 0x11;
        File.WriteAllBytes(be, b);
        var v = MrcVolume.Read(be);
        Assert.True(v.Header.IsBigEndian);
        Assert.Equal((5, 4, 3), (v.Nx, v.Ny, v.Nz));
        Assert.Equal(3.0, v.VoxelSize, 6);
        Assert.Equal(data, v.Data);
    }

    [Fact]
    public void ExtendedHeaderIsSkipped()
    {
        string dir = TestData.TempDir();
        string plain = Path.Combine(dir, "p.mrcs"), ext = Path.Combine(dir, "x.mrcs");
        var data = Ramp(4 * 4 * 2, 1, 0);
        MrcWriter.WriteStack(plain, data, 4, 4, 2, 1);
        byte[] b = File.ReadAllBytes(plain);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(92), 96);
        var withExt = b.AsSpan(0, 1024).ToArray().Concat(Enumerable.Repeat((byte)0xAB, 96)).Concat(b.Skip(1024)).ToArray();
        File.WriteAllBytes(ext, withExt);
        using var s = MrcStack.Open(ext);
        Assert.Equal(96, s.Header.Nsymbt);
        Assert.Equal(data, s.ReadAll());
    }

    [Fact]
    public void StackWriterStreamsChunksAndFinalisesTheHeader()
    {
        string path = Path.Combine(TestData.TempDir(), "stream.mrcs");
        var a = Ramp(6 * 5 * 2, 1, -3);
        var c = Ramp(6 * 5 * 3, -2, 4);
        using (var w = new MrcStackWriter(path, 6, 5, 2.0))
        {
            w.Append(a);
            Assert.False(File.Exists(path));
            w.Append(c);
            w.Complete();
        }
        using var s = MrcStack.Open(path);
        Assert.Equal(5, s.Count);
        Assert.Equal(a.Concat(c).ToArray(), s.ReadAll());
        Assert.Equal(a.Concat(c).Max(), s.Header.DMax);
        Assert.Equal(a.Concat(c).Min(), s.Header.DMin);
        Assert.Equal(2.0, s.PixelSize, 6);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void StackWriterDisposedWithoutCompleteLeavesNothing()
    {
        string dir = TestData.TempDir();
        string path = Path.Combine(dir, "abandoned.mrcs");
        using (var w = new MrcStackWriter(path, 2, 2, 1.0, MrcMode.Int16))
            w.Append(new float[8]);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void StackWriterRejectsPartialImages()
    {
        using var w = new MrcStackWriter(Path.Combine(TestData.TempDir(), "p.mrcs"), 3, 3, 1.0);
        Assert.Throws<ArgumentException>(() => w.Append(new float[10]));
    }
}
