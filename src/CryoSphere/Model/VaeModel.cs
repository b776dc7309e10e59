using TorchSharp;
using TorchSharp.Modules;
using CryoSphere.Geometry;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// The cryoSPHERE VAE without the renderer: image → latent (encoder or per-image table) → segment
/// motions (decoder) → deformed structure (segmentation + <see cref="Deformation"/>). Device and dtype
/// follow the module (<c>model.to(device)</c>); inputs must be on the same device.
/// </summary>
public sealed class VaeModel : nn.Module
{
    private readonly Encoder? encoder;
    private readonly PerImageLatents? latents;
    private readonly Decoder decoder;
    private readonly Segmentation segmentation;

    public ModelOptions Options { get; }

    /// <summary>The amortised encoder; null when <see cref="ModelOptions.Amortized"/> is false.</summary>
    public Encoder? Encoder => encoder;

    /// <summary>The per-image latent table; null when amortised.</summary>
    public PerImageLatents? Latents => latents;

    public Decoder Decoder => decoder;
    public Segmentation Segmentation => segmentation;

    public VaeModel(ModelOptions options) : base("VaeModel")
    {
        Options = options;
        segmentation = new Segmentation(options.ResidueCount, options.Parts, options.TauSegmentation);
        if (options.Amortized)
            encoder = new Encoder(options.EncoderInputSize ?? options.ImageSide * options.ImageSide, options.LatentDim, options.EncoderHidden, options.EncoderComponents);
        else
            latents = new PerImageLatents(options.ImageCount, options.LatentDim, options.LatentRows);
        decoder = new Decoder(options.LatentDim, segmentation.TotalSegments, options.DecoderHidden);
        RegisterComponents();
    }

    /// <summary>
    /// Latent posterior: from the images (B, N, N) when amortised, else from the particle indices (B).
    /// </summary>
    public (Tensor Mu, Tensor Sigma) Encode(Tensor images, Tensor? indices = null)
    {
        if (encoder is not null) return encoder.call(images);
        if (indices is null) throw new ArgumentException("a non-amortised model needs the particle indices");
        return latents!.call(indices);
    }

    /// <summary>
    /// z (B, L) → per-segment axes (B, K, 3), angles (B, K) and translations (B, K, 3) about the box centre, the form
    /// <see cref="Deformation"/> applies. With <see cref="ModelOptions.RotateAboutSegmentCentroids"/> the decoder's
    /// translation is that of the segment's centroid c (from <paramref name="baseCoords"/>, R × 3), and the returned
    /// one is t + c − R(δ)·c, so that a residue wholly in the segment moves by R(x − c) + c + t.
    /// </summary>
    public (Tensor Axes, Tensor Angles, Tensor Translations) Motion(Tensor z, Tensor baseCoords)
    {
        var (axes, angles, t) = DecoderOutputs(z);
        if (!Options.RotateAboutSegmentCentroids) return (axes, angles, t);
        Tensor c = SegmentCentroids(baseCoords).unsqueeze(0);
        return (axes, angles, t + c - Rotations.RotatePoints(axes, angles, c));
    }

    /// <summary>The decoder's own outputs: translations (B, K, 3) as it gives them (of the centroids with <see cref="ModelOptions.RotateAboutSegmentCentroids"/>) and angles (B, K).</summary>
    public (Tensor Angles, Tensor Translations) DecoderMotion(Tensor z)
    {
        var (_, angles, t) = DecoderOutputs(z);
        return (angles, t);
    }

    private (Tensor Axes, Tensor Angles, Tensor Translations) DecoderOutputs(Tensor z)
    {
        var (t, v) = decoder.call(z);
        var (axes, angles) = Rotations.AxisAngleFromVector(v);
        return (axes, angles, t);
    }

    /// <summary>
    /// Per segment, the centroid (K, 3) of the base coordinates (R, 3) weighted by the segmentation's mean memberships;
    /// a constant of the step (no gradient: it re-centres the decoder's outputs, it is not a path for the segmentation's).
    /// The box centre for a segment that holds no residue.
    /// </summary>
    public Tensor SegmentCentroids(Tensor baseCoords)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor g = segmentation.MeanG().to(baseCoords.dtype);
        Tensor mass = g.sum(new long[] { 0 }).unsqueeze(1);
        Tensor c = g.t().matmul(baseCoords) / mass.clamp_min(1e-6);
        return c.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Full pass: images (B, N, N), already masked and normalised, and base coordinates (R, 3) →
    /// latent posterior, draw, segmentation draw, motions and deformed coordinates.
    /// </summary>
    /// <param name="images">Images (B, N, N).</param>
    /// <param name="baseCoords">Base coordinates (R, 3), Å, box-centred.</param>
    /// <param name="indices">Particle indices (B); needed only when not amortised.</param>
    /// <param name="generator">Source of the latent and segmentation noise (null: torch's global one).</param>
    /// <param name="rows">This rank's rows of the global batch's noise (data-parallel training); null: one process.</param>
    /// <param name="noiseScale">Scale of the reparameterised noise (1: z = μ + σ·ε; 0: z = μ; the same draws either way).</param>
    public VaeOutput Forward(Tensor images, Tensor baseCoords, Tensor? indices = null, Generator? generator = null, NoiseRows? rows = null, double noiseScale = 1)
    {
        var (mu, sigma) = Encode(images, indices);
        Tensor z = LatentSampler.Sample(mu, sigma, generator, rows, noiseScale);
        Tensor g = segmentation.Sample((int)z.shape[0], generator, rows);
        var (axes, angles, t) = Motion(z, baseCoords);
        Tensor coords = Deformation.Apply(baseCoords, g, axes, angles, t);
        return new VaeOutput(mu, sigma, z, g, axes, angles, t, coords);
    }

    /// <summary>
    /// Deformed coordinates (B, R, 3) for given latents z (B, L). With <paramref name="meanSegmentation"/>
    /// the segmentation's posterior means are used (deterministic, for analysis); otherwise one
    /// segmentation draw per z.
    /// </summary>
    public Tensor Decode(Tensor z, Tensor baseCoords, bool meanSegmentation, Generator? generator = null)
    {
        long b = z.shape[0];
        Tensor g = meanSegmentation
            ? segmentation.MeanG().unsqueeze(0).expand(b, -1, -1)
            : segmentation.Sample((int)b, generator);
        var (axes, angles, t) = Motion(z, baseCoords);
        return Deformation.Apply(baseCoords, g, axes, angles, t);
    }

    /// <summary>Parameters of the networks (encoder or latent table, decoder): the first Adam group.</summary>
    public IEnumerable<Parameter> NetworkParameters()
    {
        IEnumerable<Parameter> first = encoder is not null ? encoder.parameters() : latents!.parameters();
        return first.Concat(decoder.parameters());
    }

    /// <summary>Parameters of the segmentation posteriors: the second Adam group.</summary>
    public IEnumerable<Parameter> SegmentationParameters() => segmentation.parameters();

    /// <summary>Weight matrices of the encoder and decoder layers (biases excluded), for the L2 penalty.</summary>
    public IEnumerable<Tensor> WeightMatrices()
    {
        var layers = (encoder?.Network.Layers ?? Array.Empty<Linear>()).Concat(decoder.Network.Layers);
        return layers.Select(l => (Tensor)l.weight!);
    }
}
