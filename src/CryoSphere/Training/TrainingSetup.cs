using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Model;
using TorchSharp;
using CryoSphere.IO;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// Everything fixed for a run: the structure, the particles, the image geometry after downsampling,
/// masks, the base coordinates on the device and the residue pairs used by the geometric losses.
/// </summary>
public sealed class TrainingSetup : IDisposable
{
    public required TrainOptions Options { get; init; }
    public required Structure Structure { get; init; }
    public required ParticleDataset Particles { get; init; }
    public required Device Device { get; init; }
    /// <summary>Side of the stored images.</summary>
    public required int BoxSize { get; init; }
    /// <summary>Grid of the images the model sees (after Fourier cropping).</summary>
    public required ImageGrid Grid { get; init; }
    public required Tensor BaseCoords { get; init; }
    public required Tensor Amplitudes { get; init; }
    /// <summary>The encoder input's mask (on <see cref="EncoderSide"/> pixels), when asked for.</summary>
    public Tensor? InputMask { get; private set; }
    /// <summary>Side of the encoder's input (<see cref="EncoderInputSide"/>).</summary>
    public int EncoderSide { get; private set; }
    public Tensor? LossMask { get; init; }
    public required Tensor NeighbourPairs { get; init; }
    public Tensor? ClashPairs { get; init; }
    public required int[] Subset { get; init; }

    public static TrainingSetup Create(TrainOptions o, bool needImages = true)
    {
        if (o.BaseStructurePath is null) throw new InputException("no base structure: give --structure or base_structure_path");
        if (o.ParticlesPath is null) throw new InputException("no particles: give --particles or cs_star_file.file");
        using var guard = NativeCallGuard.Enter();
        var device = TorchRuntime.ResolveDevice(o.Device);
        var structure = StructureReader.ReadStructure(o.BaseStructurePath, o.Chains);
        var data = ParticleDataset.Open(o.ParticlesPath, new ParticleOpenOptions
        {
            DataDir = o.DataDir,
            PixelSize = o.Apix,
            CsAbinit = o.CsAbinit,
            CsHetrefine = o.CsHetrefine,
            RequirePoses = true,
            ValidateImages = needImages,
        });
        try
        {
            int box = data.BoxSize;
            if (o.Npix is { } np && needImages && np != box)
                throw new InputException(o.ParticlesPath, $"images are {box} px but the configuration says Npix = {np}");
            if (data.Table.Optics.Select(g => g.PixelSize).Distinct().Count() > 1)
                throw new InputException(o.ParticlesPath, "optics groups have different pixel sizes; train on one pixel size at a time");
            int n = o.NpixDownsize ?? box;
            if (n > box || n < 8) throw new InputException($"Npix_downsize {n} must be between 8 and the image size {box}");
            var grid = new ImageGrid(n, data.PixelSize * box / n);
            int count = Math.Min(o.NImages ?? data.Count, data.Count);
            if (o.NImages is { } ask && ask > data.Count)
                data.Table.Warnings.Add($"N_images is {ask} but {o.ParticlesPath} has {data.Count} particles: using all {data.Count}");
            using var scope = NewDisposeScope();
            var baseCoords = tensor(structure.Coordinates, [structure.Count, 3]).to(device);
            var amps = tensor(structure.Amplitudes).to(device);
            int ne = EncoderInputSide.Resolve(o.EncoderNpix, n);
            if (ne < 8) throw new InputException($"encoder_npix {ne} must be at least 8");
            Tensor? inMask = o.InputMaskRadius is { } ir ? Masks.Circular(ne, ir, device) : null;
            Tensor? lossMask = o.LossMaskRadius is { } lr ? Masks.Circular(n, lr, device) : null;
            var neighbours = ResiduePairs.Neighbours(structure, device);
            Tensor? clash = null;
            if (!o.FullClashLoss && (o.Clash.Beta ?? 0) > 0)
                clash = ResiduePairs.WithinBaseDistance(baseCoords, neighbours, o.MinClashCutoffPairs, o.MaxClashCutoffPairs);
            var setup = new TrainingSetup
            {
                Options = o,
                Structure = structure,
                Particles = data,
                Device = device,
                BoxSize = box,
                Grid = grid,
                BaseCoords = baseCoords.MoveToOuterDisposeScope(),
                Amplitudes = amps.MoveToOuterDisposeScope(),
                InputMask = inMask?.MoveToOuterDisposeScope(),
                EncoderSide = ne,
                LossMask = lossMask?.MoveToOuterDisposeScope(),
                NeighbourPairs = neighbours.MoveToOuterDisposeScope(),
                ClashPairs = clash?.MoveToOuterDisposeScope(),
                Subset = Enumerable.Range(0, count).ToArray(),
                EncoderInput = EncoderInputChoice.Unresolved(o.EncoderInput),
            };
            return setup;
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What the encoder reads (<see cref="TrainOptions.EncoderInput"/>): the configured value, or the one a new run chose
    /// from the data (<see cref="UseEncoderInput"/>); a setup made outside a run with nothing configured: <see cref="EncoderInputChoice.Unresolved"/>.
    /// </summary>
    public string EncoderInput { get; private set; } = TrainOptions.EncoderInputForces;

    /// <summary>Sets what the encoder reads, chosen from the data (<see cref="EncoderInputChoice"/>); only before the model is built.</summary>
    public void UseEncoderInput(string input)
    {
        if (input is not (TrainOptions.EncoderInputForces or TrainOptions.EncoderInputImage)) throw new ArgumentException($"unknown encoder input '{input}'", nameof(input));
        EncoderInput = input;
    }

    /// <summary>
    /// Sets the encoder input's side chosen from the data (<see cref="EncoderInputSide.FromSnr"/>) and remakes its mask.
    /// Only before the model is built: the encoder's first layer takes <paramref name="side"/>² inputs.
    /// </summary>
    public void UseEncoderSide(int side)
    {
        if (side < 8 || side > Grid.N) throw new InputException($"encoder input side {side} must be between 8 and the image side {Grid.N}");
        if (side == EncoderSide) return;
        InputMask?.Dispose();
        InputMask = Options.InputMaskRadius is { } ir ? Masks.Circular(side, ir, Device) : null;
        EncoderSide = side;
    }

    /// <summary>Mean and standard deviation of the (downsampled) images, from up to <paramref name="sample"/> particles.</summary>
    public PixelStatistics EstimateImageStatistics(int seed, int sample = 1000)
    {
        var rng = new Random(seed);
        var idx = Subset.ToArray();
        rng.Shuffle(idx);
        var take = idx.Take(Math.Min(sample, idx.Length)).ToArray();
        var stats = new ImageStatistics();
        var buf = new float[BoxSize * BoxSize];
        const int chunk = 64;
        for (int c = 0; c < take.Length; c += chunk)
        {
            int m = Math.Min(chunk, take.Length - c);
            var host = new float[m * BoxSize * BoxSize];
            for (int j = 0; j < m; j++)
            {
                Particles.ReadImage(take[c + j], buf);
                buf.CopyTo(host, j * BoxSize * BoxSize);
            }
            using var guard = NativeCallGuard.Enter();
            using var scope = NewDisposeScope();
            var t = tensor(host, [m, BoxSize, BoxSize]);
            if (Grid.N != BoxSize) t = Fourier.FourierCrop(t, Grid.N);
            if (!t.isfinite().all().ToBoolean())
                throw new InputException(Particles.Table.SourcePath, "images contain NaN or infinite pixel values");
            stats.Add(t);
        }
        var r = stats.Result();
        if (!(r.Std > 0)) throw new InputException(Particles.Table.SourcePath, "images have zero variance (blank images?)");
        return r;
    }

    public void Dispose()
    {
        Particles.Dispose();
        BaseCoords.Dispose();
        Amplitudes.Dispose();
        InputMask?.Dispose();
        LossMask?.Dispose();
        NeighbourPairs.Dispose();
        ClashPairs?.Dispose();
    }
}
