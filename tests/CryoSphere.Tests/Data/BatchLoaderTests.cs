using CryoSphere.Data;
using CryoSphere.IO;

namespace CryoSphere.Tests.Data;

public class BatchLoaderTests
{
    [Fact]
    public void OrderIsAPermutationFixedBySeedAndEpoch()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("toy_projections_dir.star"));
        var a = new BatchLoader(ds, 64, seed: 7);
        var b = new BatchLoader(ds, 64, seed: 7);
        int[] e0 = a.Order(0, shuffle: true);
        Assert.Equal(Enumerable.Range(0, 1000), e0.Order());
        Assert.NotEqual(Enumerable.Range(0, 1000), e0);
        Assert.Equal(e0, b.Order(0, shuffle: true));
        Assert.NotEqual(e0, a.Order(1, shuffle: true));
        Assert.NotEqual(e0, new BatchLoader(ds, 64, seed: 8).Order(0, shuffle: true));
        Assert.Equal(Enumerable.Range(0, 1000), a.Order(3, shuffle: false));
        Assert.Equal(16, a.BatchesPerEpoch);
    }

    [Fact]
    public void EpochYieldsEveryParticleOnceWithItsOwnPixels()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("relion31.star"));
        using var stack = MrcStack.Open(TestData.CryoDrgn("relion31.mrcs"));
        int pixels = 256 * 256;
        var loader = new BatchLoader(ds, 2, seed: 3, prefetch: 2);
        var seen = new List<int>();
        var expected = new float[pixels];
        int batches = 0;
        foreach (var hb in loader.Epoch(0))
        {
            using (hb)
            {
                batches++;
                for (int j = 0; j < hb.Count; j++)
                {
                    int p = hb.Indices[j];
                    seen.Add(p);
                    stack.ReadImage(p, expected);
                    Assert.True(hb.Images.AsSpan(j * pixels, pixels).SequenceEqual(expected), $"pixels of particle {p}");
                }
            }
        }
        Assert.Equal(3, batches);
        Assert.Equal(loader.Order(0, shuffle: true), seen);
        Assert.Equal([0, 1, 2, 3, 4], seen.Order());
    }
}
