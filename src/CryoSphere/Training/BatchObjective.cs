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
public sealed class BatchObjective(TrainingSetup setup, VaeModel model, PixelStatistics stats)
{
    /// <summary>Moves a host batch to the device as normalised images (B,N,N) plus pose, shift and CTF tensors.</summary>
    public (Tensor Images, Tensor Rotations, Tensor Shifts, CtfBatch? Ctf, Tensor Indices) Prepare(HostBatch hb)
    {
        int b = hb.Count, box = setup.BoxSize;
        var dev = setup.Device;
        var t = setup.Data.Table;
        Tensor imgs = tensor(hb.Images.AsSpan(0, b * box * box).ToArray(), [b, box, box]).to(dev);
        if (setup.Grid.N != box) imgs = Fourier.FourierCrop(imgs, setup.Grid.N);
        imgs = (imgs - stats.Mean) / stats.Std;
        var rot = new float[9 * b];
        var sh = new float[2 * b];
        CtfParameters[]? ctf = t.Ctf is null ? null : new CtfParameters[b];
        for (int j = 0; j < b; j++)
        {
            int p = hb.Indices[j];
            Array.Copy(t.Rotations!, 9 * p, rot, 9 * j, 9);
            if (t.ShiftsA is not null) { sh[2 * j] = t.ShiftsA[2 * p]; sh[2 * j + 1] = t.ShiftsA[2 * p + 1]; }
            if (ctf is not null) ctf[j] = t.Ctf![p];
        }
        var idx = tensor(hb.Indices.AsSpan(0, b).ToArray().Select(x => (long)x).ToArray()).to(dev);
        return (imgs, tensor(rot, [b, 3, 3]).to(dev), tensor(sh, [b, 2]).to(dev), ctf is null ? null : CtfBatch.From(ctf, dev), idx);
    }

    /// <summary>
    /// What the encoder sees: the particle moved by +shift (it sits at −shift) so it is centred, phase-flipped
    /// by the sign of its CTF when asked (so its contrast no longer depends on defocus), then masked.
    /// </summary>
    public Tensor EncoderInput(Tensor images, Tensor shifts, CtfBatch? ctf)
    {
        var grid = setup.Grid;
        Tensor f = Fourier.PhaseShift(Fourier.Fft2Centered(images), -shifts, grid);
        if (ctf is not null && setup.Options.PhaseFlipEncoderInput)
            f = f * Ctf.Compute(ctf, grid).sign().to_type(images.dtype);
        Tensor centred = Fourier.Ifft2CenteredReal(f);
        if (setup.EncoderSide != grid.N) centred = Fourier.FourierCrop(centred, setup.EncoderSide);
        return setup.InputMask is null ? centred : centred * setup.InputMask;
    }

    /// <summary>Computes the weighted loss of a prepared batch.</summary>
    public BatchLoss Compute(Tensor images, Tensor rotations, Tensor shifts, CtfBatch? ctf, Tensor indices, LossWeights w, Generator? gen)
    {
        var o = setup.Options;
        var grid = setup.Grid;
        Tensor encIn = EncoderInput(images, shifts, ctf);
        Tensor target = o.LpBandwidth is { } lp ? LowPass.Apply(images, grid, lp) : images;

        var outp = model.Forward(encIn, setup.BaseCoords, indices, gen);
        Tensor proj = GaussianRenderer.RotateAndProject(outp.Coords, rotations, setup.Amplitudes, o.SigmaGmm, grid);
        Tensor pred = ImageFormation.Apply(proj, ctf, shifts, grid);
        var (corr, _) = Losses.Correlation(pred, target, setup.LossMask);

        var terms = new Dictionary<string, Tensor> { ["corr"] = corr };
        Tensor total = corr;
        void Add(string name, double beta, Func<Tensor> term)
        {
            if (beta == 0) return;
            Tensor v = term();
            terms[name] = v;
            total = total + beta * v;
        }
        terms["kl_latent"] = Losses.KlLatent(outp.Mu, outp.Sigma);
        if (w.KlLatent != 0) total = total + w.KlLatent * terms["kl_latent"];
        var seg = model.Segmentation;
        Add("kl_seg_mean", w.KlSegMean, seg.KlMeans);
        Add("kl_seg_std", w.KlSegStd, seg.KlStd);
        Add("kl_seg_prop", w.KlSegProportions, seg.KlProportions);
        Add("continuity", w.Continuity, () => Losses.Continuity(outp.Coords, setup.BaseCoords, setup.NeighbourPairs));
        Add("clash", w.Clash, () => o.FullClashLoss || setup.ClashPairs is null
            ? Losses.ClashFull(outp.Coords, setup.NeighbourPairs, o.ClashCutoff)
            : Losses.Clash(outp.Coords, setup.ClashPairs, o.ClashCutoff));
        Add("l2", w.L2, () => Losses.L2(model.WeightMatrices()));
        return new BatchLoss(total, terms);
    }
}
