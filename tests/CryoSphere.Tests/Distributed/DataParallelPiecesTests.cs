using CryoSphere.Analysis;
using CryoSphere.Data;
using CryoSphere.Distributed;
using CryoSphere.Model;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Distributed;

/// <summary>The pieces of data parallelism that need no MPI: slices, noise rows, shard ranges, launcher detection.</summary>
public class DataParallelPiecesTests
{
    [Fact]
    public void RanksSplitEveryGlobalBatchIntoEqualDisjointSlicesInOrder()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("toy_projections_dir.star"));
        const int ranks = 3, global = 63;
        var whole = new BatchLoader(ds, global, seed: 7);
        var parts = Enumerable.Range(0, ranks).Select(r => new BatchLoader(ds, global, seed: 7, slice: new RankSlice(r, ranks))).ToArray();
        int[] order = whole.Order(1, shuffle: true);
        // 1000 particles: 999 visited (a multiple of 3), in 16 batches of 63 and one of 54.
        Assert.Equal(16, parts[0].BatchesPerEpoch);
        var seen = Enumerable.Range(0, ranks).Select(r => parts[r].Epoch(1).Select(hb => { using (hb) return hb.Indices.Take(hb.Count).ToArray(); }).ToList()).ToArray();
        var visited = new List<int>();
        for (int b = 0; b < 16; b++)
        {
            Assert.All(seen, s => Assert.Equal(seen[0][b].Length, s[b].Length));
            visited.AddRange(seen.SelectMany(s => s[b]));
        }
        Assert.Equal(order.Take(999), visited);
    }

    [Fact]
    public void TheLaunchersOwnMpiLibraryIsTriedFirst()
    {
        Func<string, string?> Env(params (string K, string V)[] vars) => k => vars.FirstOrDefault(v => v.K == k).V;
        Assert.Equal("libmpi.so.40", MpiLibrary.Candidates(Env(("OMPI_COMM_WORLD_SIZE", "2"), ("PMI_SIZE", "2")))[0]);
        Assert.Equal("libmpich.so.12", MpiLibrary.Candidates(Env(("PMI_SIZE", "2")))[0]);   // Hydra or Slurm's PMI
        Assert.Equal("libmpi.so.40", MpiLibrary.Candidates(Env())[0]);
        Assert.Equal("libmpi.so", MpiLibrary.Candidates(Env())[^1]);
    }

    [Fact]
    public void TheRanksNoiseRowsMakeUpTheOneProcessDraw()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var model = new VaeModel(new ModelOptions(6, 10, [SegmentationPart.WholeProtein(10, 2)]) { LatentDim = 3, EncoderHidden = [16, 8], DecoderHidden = [8] });
        var images = randn(4, 6, 6);
        var baseCoords = randn(10, 3);
        using var g1 = new Generator(5);
        var one = model.Forward(images, baseCoords, generator: g1);
        using var g2a = new Generator(5);
        using var g2b = new Generator(5);
        var a = model.Forward(images.narrow(0, 0, 2), baseCoords, generator: g2a, rows: new NoiseRows(0, 4));
        var b = model.Forward(images.narrow(0, 2, 2), baseCoords, generator: g2b, rows: new NoiseRows(2, 4));
        // z − μ = σ·ε isolates the latent noise; the memberships G carry the segmentation noise.
        var epsOne = (one.Z - one.Mu) / one.Sigma;
        var epsTwo = cat([(a.Z - a.Mu) / a.Sigma, (b.Z - b.Mu) / b.Sigma]);
        Assert.True(allclose(epsOne, epsTwo, rtol: 1e-5, atol: 1e-6));
        Assert.True(allclose(one.G, cat([a.G, b.G]), rtol: 1e-5, atol: 1e-6));
        Assert.False(allclose(a.G, b.G));
        // Both ranks' generators moved exactly as the one process's did.
        static byte[] State(Generator g) => g.get_state().data<byte>().ToArray();
        Assert.Equal(State(g1), State(g2a));
        Assert.Equal(State(g1), State(g2b));
    }

    [Fact]
    public void ShardsTileTheParticlesAtEncodingBatchBoundaries()
    {
        foreach (int n in new[] { 1, 255, 256, 257, 1000, 300_000 })
            foreach (int k in new[] { 1, 2, 3, 7 })
            {
                int next = 0;
                for (int i = 0; i < k; i++)
                {
                    var (start, count) = ShardedLatents.Range(n, i, k);
                    Assert.Equal(next, start);
                    Assert.True(count == 0 || start % ShardedLatents.Unit == 0);
                    next = start + count;
                }
                Assert.Equal(n, next);
            }
        Assert.Equal((3, 4), ShardedLatents.Parse("3/4"));
        Assert.Throws<InputException>(() => ShardedLatents.Parse("4/4"));
        Assert.Throws<InputException>(() => ShardedLatents.Parse("1-4"));
    }

    [Fact]
    public void LaunchersAreRecognisedFromTheirEnvironment()
    {
        static Func<string, string?> Env(params (string K, string V)[] vars) => k => vars.FirstOrDefault(v => v.K == k).V;
        Assert.Null(Communicators.LaunchedRanks(Env()));
        Assert.Equal(4, Communicators.LaunchedRanks(Env(("OMPI_COMM_WORLD_SIZE", "4"))));
        Assert.Equal(2, Communicators.LaunchedRanks(Env(("PMI_SIZE", "2"))));
        Assert.Equal(0, Communicators.LaunchedRanks(Env(("PMIX_RANK", "1"))));
        // Outside a launcher nothing of MPI is loaded: one process, as before.
        Assert.Same(SingleProcess.Instance, Communicators.FromEnvironment());
    }

    [Fact]
    public void AnotherRankCountResumesFromAnEpochEndButNotMidEpoch()
    {
        var folder = new RunFolder(TestData.TempDir("dres"));
        var meta = new CheckpointMeta { Epoch = 3, BatchSize = 16, Ranks = 2 };
        Assert.Null(DistributedResume.Check(folder, meta, 2));
        Assert.Contains("now 16 per step (was 32)", DistributedResume.Check(folder, meta, 1));
        Assert.Contains("now 64 per step", DistributedResume.Check(folder, meta with { Ranks = 0 }, 4));
        var e = Assert.Throws<InputException>(() => DistributedResume.Check(folder, meta with { Batch = 2 }, 1));
        Assert.Contains("with 2 rank(s)", e.Message);
    }
}
