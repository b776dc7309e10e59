using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Model;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// A training run opened for analysis: its options, base structure, particles and the model loaded
/// from a checkpoint (the newest, or a given epoch's). Encodes particles into latent means and
/// decodes latents into structures, deterministically.
/// </summary>
public sealed class TrainedRun : IDisposable
{
    public RunFolder Folder { get; }
    public TrainOptions Options { get; }
    public TrainingSetup Setup { get; }
    public VaeModel Vae { get; }
    public CheckpointMeta Meta { get; }
    public string CheckpointPath { get; }

    private TrainedRun(RunFolder folder, TrainOptions options, TrainingSetup setup, VaeModel model, CheckpointMeta meta, string ckpt)
    {
        Folder = folder;
        Options = options;
        Setup = setup;
        Vae = model;
        Meta = meta;
        CheckpointPath = ckpt;
    }

    /// <summary>Opens <paramref name="runDir"/> at epoch <paramref name="epoch"/> (1-based; null = newest checkpoint).</summary>
    public static TrainedRun Open(string runDir, int? epoch = null, string? device = null, bool needImages = true)
    {
        var folder = new RunFolder(runDir);
        if (!File.Exists(folder.Config)) throw new InputException(runDir, "not a training run folder (no config.yaml)");
        var o = TrainConfigReader.ReadRecorded(folder.Config) with { OutDir = folder.Root };
        if (device is not null) o = o with { Device = device };
        string? ckpt = epoch is null ? null : folder.CheckpointFor(epoch);
        using var guard = NativeCallGuard.Enter();
        var setup = TrainingSetup.Create(o, needImages);
        VaeModel? model = null;
        try
        {
            model = ModelFactory.Build(o, setup);
            // The newest is named only now: a run still training may have moved on while the particles were read.
            CheckpointMeta meta;
            if (ckpt is null) (ckpt, meta) = folder.LoadNewest(p => Checkpoint.Load(p, model));
            else meta = Checkpoint.Load(ckpt, model);
            model.eval();
            return new TrainedRun(folder, o, setup, model, meta, ckpt);
        }
        catch
        {
            model?.Dispose();
            setup.Dispose();
            throw;
        }
    }

    public int LatentDim => Options.LatentDimension;
    public int ParticleCount => Setup.Particles.Count;

    /// <summary>
    /// Latent means μ of every particle in file order, (n × L) row-major; with <paramref name="subset"/> (ascending
    /// particle indices) only those rows are filled, in batches taken along the subset.
    /// </summary>
    public float[] LatentMeans(int batchSize = 256, IProgress<(int Done, int Total)>? progress = null, int[]? subset = null) =>
        LatentPosteriors(batchSize, progress, subset).Mu;

    /// <summary>
    /// As <see cref="LatentMeans"/>, with each particle's posterior standard deviations beside the means (same layout):
    /// q(z | image) = N(μ, diag(σ²)).
    /// </summary>
    public (float[] Mu, float[] Sd) LatentPosteriors(int batchSize = 256, IProgress<(int Done, int Total)>? progress = null, int[]? subset = null)
    {
        int n = subset?.Length ?? Setup.Particles.Count, l = LatentDim;
        var z = new float[Setup.Particles.Count * l];
        var sd = new float[Setup.Particles.Count * l];
        using var noGrad = no_grad();
        var stats = new PixelStatistics(Meta.ImageMean, Meta.ImageStd, 0);
        var objective = new BatchObjective(Setup, Vae, stats);
        var loader = new BatchLoader(Setup.Particles, batchSize, 0, subset);
        int done = 0;
        foreach (var pb in PreparedBatch.Each(objective, loader.Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            var (mu, sigma) = Vae.Encode(objective.EncoderInput(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf), pb.Indices);
            var host = mu.cpu().contiguous().data<float>().ToArray();
            var hostSd = sigma.cpu().contiguous().data<float>().ToArray();
            for (int j = 0; j < pb.Count; j++)
            {
                Array.Copy(host, j * l, z, pb.HostIndices[j] * l, l);
                Array.Copy(hostSd, j * l, sd, pb.HostIndices[j] * l, l);
            }
            done += pb.Count;
            progress?.Report((done, n));
        }
        return (z, sd);
    }

    /// <summary>Structures (count × R × 3, Å) decoded from latents with the segmentation's posterior means.</summary>
    public float[] Decode(float[] z, int count)
    {
        using var guard = NativeCallGuard.Enter();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var zt = tensor(z, [count, LatentDim]).to(Setup.Device);
        var coords = Vae.Decode(zt, Setup.BaseCoords, meanSegmentation: true);
        return coords.cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>Segment memberships (R × K) from the posterior means, and the hard assignment per residue.</summary>
    public (float[] G, long[] Hard, int K) Segmentation()
    {
        using var guard = NativeCallGuard.Enter();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var g = Vae.Segmentation.MeanG();
        return (g.cpu().contiguous().data<float>().ToArray(), Vae.Segmentation.HardAssignment(), Vae.Segmentation.TotalSegments);
    }

    public void Dispose()
    {
        Vae.Dispose();
        Setup.Dispose();
    }
}
