using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class MrcReadTests
{
    [Theory]
    [InlineData("relion31.mrcs", 256, 256, 5, false)]
    [InlineData("toy_projections.mrcs", 30, 30, 1000, false)]
    [InlineData("toy_images_a.mrcs", 30, 30, 100, true)]
    [InlineData("toy_images_b.mrcs", 30, 30, 900, true)]
    [InlineData("hand-vol.mrc", 64, 64, 64, true)]
    [InlineData("spike-vol.mrc", 16, 16, 128, true)]
    [InlineData("ay19102021_L3_position6_ribo_it09_bin8_1.82A.mrcs", 64, 64, 220, false)]
    [InlineData("hand.5.mrcs", 64, 64, 5, false)]
    [InlineData("toymodel_small_nocenter.mrc", 30, 30, 30, true)]
    public void EveryTestFileOpensWithItsDimensions(string name, int nx, int ny, int nz, bool hasMap)
    {
        string path = TestData.CryoDrgn(name);
        using var s = MrcStack.Open(path);
        Assert.Equal((nx, ny, nz), (s.Width, s.Height, s.Count));
        Assert.Equal(MrcMode.Float32, s.Header.DataMode);
        Assert.Equal(hasMap, s.Header.HasMapId);
        Assert.False(s.Header.IsBigEndian);
        Assert.Equal(new FileInfo(path).Length, s.Header.DataOffset + s.Header.DataBytes);
        var img = new float[nx * ny];
        s.ReadImage(nz / 2, img);
        Assert.All(img, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(img, v => v != 0);
    }

    [Fact]
    public void NoMapStacksHaveAZeroStampAndReadAsLittleEndian()
    {
        var h = MrcHeader.Read(TestData.CryoDrgn("relion31.mrcs"));
        Assert.Equal(new byte[4], h.MachineStamp);
        Assert.NotEqual("MAP ", h.MapId);
        Assert.Equal(1.0, h.VoxelSize, 6);
    }

    [Fact]
    public void Relion31ImagesAreNormalised()
    {
        using var s = MrcStack.Open(TestData.CryoDrgn("relion31.mrcs"));
        var all = s.ReadAll();
        double mean = all.Average(v => (double)v);
        double sd = Math.Sqrt(all.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(sd, 0.9, 1.1);
    }

    [Fact]
    public void ToyProjectionsHeaderHasUnitSamplingAndCell()
    {
        var h = MrcHeader.Read(TestData.CryoDrgn("toy_projections.mrcs"));
        Assert.Equal((1, 1, 1), (h.Mx, h.My, h.Mz));
        Assert.Equal(1f, h.CellX);
        Assert.Equal(1.0, h.VoxelSize);
    }

    [Fact]
    public void ReadImagesMatchesReadImageInAnyOrder()
    {
        using var s = MrcStack.Open(TestData.CryoDrgn("toy_images_b.mrcs"));
        int p = s.Width * s.Height;
        int[] idx = [899, 0, 450, 0, 17];
        var batch = new float[idx.Length * p];
        s.ReadImages(idx, batch);
        var one = new float[p];
        for (int k = 0; k < idx.Length; k++)
        {
            s.ReadImage(idx[k], one);
            Assert.Equal(one, batch.AsSpan(k * p, p).ToArray());
        }
        Assert.NotEqual(batch.AsSpan(0, p).ToArray(), batch.AsSpan(p, p).ToArray());
    }

    [Fact]
    public void StackReadMatchesVolumeReadOfTheSameFile()
    {
        string path = TestData.CryoDrgn("hand-vol.mrc");
        var v = MrcVolume.Read(path);
        using var s = MrcStack.Open(path);
        Assert.Equal(v.Data, s.ReadAll());
    }

    [Fact]
    public void SpikeVolumeIsNonCubicWith8AngstromVoxels()
    {
        var v = MrcVolume.Read(TestData.CryoDrgn("spike-vol.mrc"));
        Assert.Equal((16, 16, 128), (v.Nx, v.Ny, v.Nz));
        Assert.Equal(16 * 16 * 128, v.Data.Length);
        Assert.Equal(8.0, v.VoxelSize, 5);
        Assert.Equal((8.0, 8.0, 8.0), (Math.Round(v.Header.VoxelSizes.X, 5), Math.Round(v.Header.VoxelSizes.Y, 5), Math.Round(v.Header.VoxelSizes.Z, 5)));
    }

    [Fact]
    public void HandAndToyVolumesHaveOneAngstromVoxelsAndHeaderStats()
    {
        var hand = MrcVolume.Read(TestData.CryoDrgn("hand-vol.mrc"));
        Assert.Equal((64, 64, 64), (hand.Nx, hand.Ny, hand.Nz));
        Assert.Equal(1.0, hand.VoxelSize, 6);
        var toy = MrcVolume.Read(TestData.CryoDrgn("toymodel_small_nocenter.mrc"));
        Assert.Equal(1.0, toy.VoxelSize, 6);
        Assert.Equal((0.0, 0.0, 0.0), toy.Origin);
        Assert.Equal(toy.Data.Max(), toy.Header.DMax, 3);
        Assert.Equal(toy.Data.Min(), toy.Header.DMin, 3);
    }

    [Fact]
    public void SmallWindowsWithEvictionReadTheSameImages()
    {
        // 3 images per window and at most 4 windows mapped: random order forces remapping and eviction.
        string path = TestData.CryoDrgn("toy_images_b.mrcs");
        using var whole = MrcStack.Open(path);
        using var small = MrcStack.Open(path, 3 * 30 * 30 * 4);
        var rng = new Random(7);
        var a = new float[900];
        var b = new float[900];
        for (int k = 0; k < 200; k++)
        {
            int i = k < 3 ? new[] { 0, 899, 898 }[k] : rng.Next(900);
            whole.ReadImage(i, a);
            small.ReadImage(i, b);
            Assert.Equal(a, b);
        }
    }
}
