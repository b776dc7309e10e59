using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>The loss of one batch and each of its terms (for logging and for naming a term that went bad).</summary>
public sealed record BatchLoss(Tensor Total, Dictionary<string, Tensor> Terms);

/// <summary>
/// One batch through the whole method: preprocess the observed images (Fourier crop, normalise,
/// recentre for the encoder, mask, low-pass the target), encode, decode, deform, rotate, project,
/// apply CTF and shift to the prediction, and sum the weighted loss terms.
/// </summary>
public sealed class BatchObjective
{
    private readonly TrainingSetup setup;
    private readonly VaeModel? vae;
    private VaeModel model => vae ?? throw new InvalidOperationException("this objective was made without a model: it can prepare batches and fit the base structure only");
    private readonly Scalar mean, std;
    // Per-run tables on the device (one row per particle of the dataset), gathered by index each step.
    private readonly Tensor rotationTable, shiftTable;
    private readonly CtfBatch? ctfTable;
    // The low-pass filter of the target in FFT order, made once.
    private readonly Tensor? lowPassHalf;

    /// <summary>
    /// With forces for input: the particles' forces computed once (<see cref="Training.ForcesTable"/>, owned by the
    /// caller); batches whose particles it holds gather them instead of computing them. Null: computed every batch.
    /// </summary>
    public ForcesTable? ForcesTable { get; set; }

    /// <param name="setup">What is fixed for the run.</param>
    /// <param name="model">The VAE; null for an objective that only prepares batches and fits the base structure (<see cref="BaseModelFit"/>).</param>
    /// <param name="stats">Pixel mean and sd the images are normalised with.</param>
    public BatchObjective(TrainingSetup setup, VaeModel? model, PixelStatistics stats)
    {
        this.setup = setup;
        vae = model;
        mean = stats.Mean.ToScalar();
        std = stats.Std.ToScalar();
        var t = setup.Particles.Table;
        int count = setup.Particles.Count;
        var dev = setup.Device;
        using var scope = NewDisposeScope();
        rotationTable = (t.Rotations is { } r ? tensor(r, [count, 3, 3]) : eye(3).expand(count, 3, 3).contiguous()).to(dev).DetachFromDisposeScope();
        shiftTable = (t.ShiftsA is { } s ? tensor(s, [count, 2]) : zeros(count, 2)).to(dev).DetachFromDisposeScope();
        ctfTable = t.Ctf is null ? null : CtfBatch.From(t.Ctf, dev);
        if (setup.Options.LpBandwidth is { } lp)
            lowPassHalf = FrequencyTables.For(setup.Grid, dev, ScalarType.Float32).HalfOfRadial(LowPass.Filter(setup.Grid, lp, dev)).DetachFromDisposeScope();
    }

    /// <summary>
    /// Moves a host batch to the device as normalised images (B,N,N) plus pose, shift and CTF tensors: the images
    /// are the only upload besides the indices; poses, shifts and CTF parameters are gathered from per-run
    /// device tables. Overwrites <paramref name="hb"/>'s pixels on the CPU (they are normalised in place).
    /// </summary>
    public (Tensor Images, Tensor Rotations, Tensor Shifts, CtfBatch? Ctf, Tensor Indices) Prepare(HostBatch hb)
    {
        int b = hb.Count, box = setup.BoxSize;
        var dev = setup.Device;
        var idxHost = new long[b];
        for (int j = 0; j < b; j++) idxHost[j] = hb.Indices[j];
        Tensor idx = tensor(idxHost).to(dev);
        // A tensor over the pooled host buffer itself (no copy on the CPU); normalised in place, so on the CPU the
        // batch's pixels are overwritten (the buffer goes back to the loader's pool after the step anyway).
        Tensor imgs = tensor(hb.Images, [hb.Images.Length / (box * box), box, box]).narrow(0, 0, b).to(dev);
        if (setup.Grid.N != box) imgs = Fourier.FourierCrop(imgs, setup.Grid.N);
        imgs = imgs.sub_(mean).div_(std);
        Tensor rot = rotationTable.index_select(0, idx), sh = shiftTable.index_select(0, idx);
        return (imgs, rot, sh, ctfTable is null ? null : CtfBatch.Gather(ctfTable, idx), idx);
    }

    /// <summary>
    /// What the encoder sees: the particle moved by +shift (it sits at −shift) so it is centred, phase-flipped
    /// by the sign of its CTF when asked (so its contrast no longer depends on defocus), turned back by its in-plane
    /// angle ψ when asked (<see cref="TrainOptions.EncoderUndoPsi"/>), then masked; with
    /// <see cref="TrainOptions.EncoderSubtractBase"/> all of this is done to the image less its fit by the base structure.
    /// </summary>
    public Tensor EncoderInput(Tensor images, Tensor rotations, Tensor shifts, CtfBatch? ctf)
    {
        using var scope = NewDisposeScope();
        Tensor? ctfHalf = CtfHalf(ctf, images);
        return Inputs(images, rotations, shifts, ctfHalf, target: false, indices: null).Encoder.MoveToOuterDisposeScope();
    }

    /// <summary>The forces input (<see cref="BaseForces"/>) of a prepared batch, computed, whatever the encoder's input setting.</summary>
    public Tensor ComputeForces(Tensor images, Tensor rotations, Tensor shifts, CtfBatch? ctf)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? ctfHalf = CtfHalf(ctf, images);
        return BaseForces(Target(images), rotations, shifts, ctfHalf).MoveToOuterDisposeScope();
    }

    // The loss's target: the images, low-passed when asked.
    private Tensor Target(Tensor images) =>
        lowPassHalf is null ? images : fft.irfft2(fft.rfft2(images) * lowPassHalf, s: [setup.Grid.N, setup.Grid.N]);

    /// <summary>
    /// Encoder input (see <see cref="EncoderInput"/>) and loss target (low-passed when asked) from one FFT of the
    /// images, with filters in FFT order from cached tables; no gradient (the images are data). With forces, a batch whose
    /// particles (<paramref name="indices"/>) the <see cref="ForcesTable"/> holds gathers them from it.
    /// </summary>
    private (Tensor Encoder, Tensor Target) Inputs(Tensor images, Tensor rotations, Tensor shifts, Tensor? ctfHalf, bool target, Tensor? indices)
    {
        using var noGrad = no_grad();
        var grid = setup.Grid;
        long[] side = [grid.N, grid.N];
        if (Forces)
        {
            // Forces read the loss's target, so it is made even when only the encoder's input was asked for.
            Tensor tgt = Target(images);
            Tensor? kept = indices is null ? null : ForcesTable?.Gather(indices, images.device);
            return (kept ?? BaseForces(tgt, rotations, shifts, ctfHalf), tgt);
        }
        Tensor f = fft.rfft2(images);
        Tensor tgtImage = !target || lowPassHalf is null ? images : fft.irfft2(f * lowPassHalf, s: side);
        // The encoder's spectrum: the image's own, or (encoder_subtract_base) that of what the base structure does not explain.
        Tensor fEnc = setup.Options.EncoderSubtractBase ? fft.rfft2(images - BaseFit(images, rotations, shifts, ctfHalf)) : f;
        var tables = FrequencyTables.For(grid, images.device, images.dtype);
        var (re, im) = tables.PhaseRamp(shifts.neg());
        if (ctfHalf is not null && setup.Options.PhaseFlipEncoderInput)
        {
            Tensor sign = ctfHalf.sign().to_type(images.dtype);
            re.mul_(sign);
            im.mul_(sign);
        }
        Tensor centred = fft.irfft2(fEnc * tables.Fold(complex(re, im)), s: side);
        if (setup.EncoderSide != grid.N) centred = Fourier.FourierCrop(centred, setup.EncoderSide);
        if (setup.Options.EncoderUndoPsi) centred = InPlaneRotation.TurnBack(centred, InPlaneRotation.Psi(rotations));
        Tensor enc = setup.InputMask is null ? centred : centred * setup.InputMask;
        return (enc, tgtImage);
    }

    /// <summary>
    /// The loss target (low-passed when asked) and the prediction for structures <paramref name="coords"/> (B,R,3)
    /// of a prepared batch, through the same projection, CTF and shift as <see cref="Compute"/>: what the
    /// dashboard shows as observed, predicted and residual.
    /// </summary>
    public (Tensor Target, Tensor Prediction) TargetAndPrediction(Tensor images, Tensor rotations, Tensor shifts, CtfBatch? ctf, Tensor coords)
    {
        using var guard = NativeCallGuard.Enter(); // called from outside the library (the dashboard)
        Tensor? ctfHalf = CtfHalf(ctf, images);
        var (_, target) = Inputs(images, rotations, shifts, ctfHalf, target: true, indices: null);
        return (target, Predict(coords, rotations, ctfHalf, shifts));
    }

    /// <summary>
    /// The base structure, seen with each image's pose, CTF and shift and scaled to the image by least squares
    /// (gain and offset per image): per image (B), the variance of that prediction inside <paramref name="disc"/>
    /// (N,N of 0/1) and the variance of the rest (image − prediction) over the whole image. Their ratio is the SNR in
    /// the simulator's particle convention, counting as noise whatever the base structure does not explain. Also per
    /// image, the loss's correlation (target, mask) of that prediction with the image: what a model that explains
    /// nothing of the motion already reaches. One rendering serves all three.
    /// </summary>
    public (Tensor Signal, Tensor Residual, Tensor Correlation) BaseModelFit(Tensor images, Tensor rotations, Tensor shifts, CtfBatch? ctf, Tensor disc)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor pred = BasePrediction(images, rotations, shifts, CtfHalf(ctf, images));
        var (_, correlation) = Losses.Correlation(pred, Target(images), setup.LossMask);
        Tensor ym = images.mean([1, 2], keepdim: true);
        Tensor fit = FitToImages(pred, images) - ym, y = images - ym;
        Tensor residual = (y - fit).square().mean([1, 2]);
        double count = disc.sum().ToDouble();
        Tensor inDisc = fit * disc;
        Tensor m = inDisc.sum([1, 2]) / count;
        Tensor signal = inDisc.square().sum([1, 2]) / count - m * m;
        return (signal.MoveToOuterDisposeScope(), residual.MoveToOuterDisposeScope(), correlation.MoveToOuterDisposeScope());
    }

    private bool Forces => setup.EncoderInput == TrainOptions.EncoderInputForces;

    /// <summary>
    /// `encoder_input: forces`: per particle, the gradient of its correlation with the base structure's prediction with
    /// respect to each Cα (B, 3R; molecule frame), scaled to unit RMS per particle. The loss's own measure (target,
    /// mask, image formation), taken at the base structure: where the data pull each atom, whatever the pose.
    /// </summary>
    private Tensor BaseForces(Tensor target, Tensor rotations, Tensor shifts, Tensor? ctfHalf)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();   // the caller holds no_grad: the images are data, but this input is a gradient
        long b = target.shape[0];
        Tensor coords = setup.BaseCoords.detach().unsqueeze(0).expand(b, -1, -1).clone().requires_grad_(true);
        var (_, perImage) = Losses.Correlation(Predict(coords, rotations, ctfHalf, shifts), target, setup.LossMask);
        Tensor g = autograd.grad([perImage.sum()], [coords])[0].detach().reshape(b, -1);
        return (g / g.square().mean([1], keepdim: true).sqrt().clamp_min(1e-30)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The base structure seen with each image's pose, CTF and shift, fitted to the image by least squares with a
    /// gain and an offset per image (B,N,N): what the image holds of the unmoved structure. No gradient.
    /// </summary>
    private Tensor BaseFit(Tensor images, Tensor rotations, Tensor shifts, Tensor? ctfHalf)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return FitToImages(BasePrediction(images, rotations, shifts, ctfHalf), images).MoveToOuterDisposeScope();
    }

    // The base structure seen with each image's pose, CTF and shift (B,N,N).
    private Tensor BasePrediction(Tensor images, Tensor rotations, Tensor shifts, Tensor? ctfHalf) =>
        Predict(setup.BaseCoords.unsqueeze(0).expand(images.shape[0], -1, -1), rotations, ctfHalf, shifts);

    // A prediction fitted to the images by least squares, a gain and an offset per image.
    private static Tensor FitToImages(Tensor pred, Tensor images)
    {
        using var scope = NewDisposeScope();
        Tensor p = pred - pred.mean([1, 2], keepdim: true), ym = images.mean([1, 2], keepdim: true);
        Tensor gain = (p * (images - ym)).sum([1, 2], keepdim: true) / (p * p).sum([1, 2], keepdim: true).clamp_min(1e-30);
        return (p * gain + ym).MoveToOuterDisposeScope();
    }

    // The batch's CTF on the half-spectrum tables, once per step for both the encoder's phase flip and the prediction.
    private Tensor? CtfHalf(CtfBatch? ctf, Tensor images) => ctf is null ? null : Ctf.ComputeHalf(ctf, setup.Grid, images.dtype);

    // Rotate, project the Gaussians, then CTF and shift: the image formation of the method.
    private Tensor Predict(Tensor coords, Tensor rotations, Tensor? ctfHalf, Tensor shifts) =>
        ImageFormation.ApplyHalf(GaussianRenderer.RotateAndProject(coords, rotations, setup.Amplitudes, setup.Options.SigmaGmm, setup.Grid), ctfHalf, shifts, setup.Grid);

    /// <summary>Computes the weighted loss of a prepared batch (<paramref name="rows"/>: see <see cref="NoiseRows"/>).</summary>
    /// <remarks>With <c>l2InOptimizer</c> the L2 penalty enters the loss as a value only, without a gradient: the optimizer adds
    /// its gradient 2β·W (<see cref="L2Decay"/>, <see cref="AdamStep.Apply"/>) in the pass it makes over W anyway. In the graph
    /// it cost a product and an accumulating add over every weight matrix per step (8 MiB each for the encoder's first layer).</remarks>
    public BatchLoss Compute(Tensor images, Tensor rotations, Tensor shifts, CtfBatch? ctf, Tensor indices, LossWeights w, Generator? gen, NoiseRows? rows = null, bool l2InOptimizer = false)
    {
        var o = setup.Options;
        var grid = setup.Grid;
        // The CTF once per step, in FFT order: its sign for the encoder, its value for the prediction.
        Tensor? ctfHalf = CtfHalf(ctf, images);
        var (encIn, target) = Inputs(images, rotations, shifts, ctfHalf, target: true, indices);

        var outp = model.Forward(encIn, setup.BaseCoords, indices, gen, rows, w.LatentNoise);
        Tensor pred = Predict(outp.Coords, rotations, ctfHalf, shifts);
        var (corr, _) = Losses.Correlation(pred, target, setup.LossMask);

        var terms = new Dictionary<string, Tensor> { ["corr"] = corr };
        Tensor total = corr;
        void Add(string name, double beta, Func<Tensor> term)
        {
            if (beta == 0) return;
            Tensor v = term();
            terms[name] = v;
            using Scalar s = beta.ToScalar();   // disposed here, not left to the finalizer
            total = total + v.mul(s);
        }
        terms["kl_latent"] = Losses.KlLatent(outp.Mu, outp.Sigma);
        if (w.KlLatent != 0)
        {
            using Scalar s = w.KlLatent.ToScalar();
            total = total + Losses.FreeNats(terms["kl_latent"], w.KlLatentFreeNats).mul(s);
        }
        var seg = model.Segmentation;
        Add("kl_seg_mean", w.KlSegMean, seg.KlMeans);
        Add("kl_seg_std", w.KlSegStd, seg.KlStd);
        Add("kl_seg_prop", w.KlSegProportions, seg.KlProportions);
        Add("continuity", w.Continuity, () => Losses.Continuity(outp.Coords, setup.BaseCoords, setup.NeighbourPairs));
        Add("clash", w.Clash, () => o.FullClashLoss || setup.ClashPairs is null
            ? Losses.ClashFull(outp.Coords, setup.NeighbourPairs, o.ClashCutoff)
            : Losses.Clash(outp.Coords, setup.ClashPairs, o.ClashCutoff));
        Add("l2", w.L2, () =>
        {
            if (!l2InOptimizer) return Losses.L2(model.WeightMatrices());
            using var noGrad = no_grad();
            return Losses.L2(model.WeightMatrices().Select(m => m.detach()));
        });
        return new BatchLoss(total, terms);
    }

    /// <summary>
    /// The correlation term of a prepared batch as the model stands, the decoder reading the posterior means (z = μ)
    /// and the segmentation its posterior means: deterministic, without a gradient, for particles the run does not
    /// train on (<see cref="HeldOutSplit"/>). Returns the batch's sum of −correlation per image (the training loss's sign).
    /// </summary>
    public double HeldOutCorrelationSum(Tensor images, Tensor rotations, Tensor shifts, CtfBatch? ctf)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? ctfHalf = CtfHalf(ctf, images);
        var (encIn, target) = Inputs(images, rotations, shifts, ctfHalf, target: true, indices: null);
        var (mu, _) = model.Encode(encIn, null);
        Tensor coords = model.Decode(mu, setup.BaseCoords, meanSegmentation: true);
        var (_, perImage) = Losses.Correlation(Predict(coords, rotations, ctfHalf, shifts), target, setup.LossMask);
        return -perImage.to_type(ScalarType.Float64).sum().ToDouble();
    }

    /// <summary>Per weight matrix (by handle), the L2 penalty's gradient factor 2β at weights <paramref name="w"/>: what the
    /// optimizer adds to the gradient when <see cref="Compute"/> left the penalty out of the graph.</summary>
    public IReadOnlyDictionary<nint, double> L2Decay(LossWeights w) =>
        model.WeightMatrices().ToDictionary(m => m.Handle, _ => 2 * w.L2);
}
