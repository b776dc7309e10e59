using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Non-amortised latents (`amortized: false`): a free Gaussian posterior per particle, held as a
/// (n_images, L) table of means and one of log σ, looked up by particle index. Starts at the prior
/// (μ = 0, σ = 1) so every image begins with the same, uninformative posterior.
/// </summary>
public sealed class PerImageLatents : nn.Module<Tensor, (Tensor Mu, Tensor Sigma)>
{
    private readonly Parameter mean;
    private readonly Parameter logSigma;

    public int ImageCount { get; }
    public int LatentDim { get; }

    public PerImageLatents(int imageCount, int latentDim) : base("PerImageLatents")
    {
        if (imageCount <= 0) throw new InputException($"non-amortised latents need a positive image count, got {imageCount}");
        if (latentDim <= 0) throw new InputException($"latent_dimension must be positive, got {latentDim}");
        ImageCount = imageCount;
        LatentDim = latentDim;
        mean = new Parameter(torch.zeros(imageCount, latentDim));
        logSigma = new Parameter(torch.zeros(imageCount, latentDim));
        RegisterComponents();
    }

    /// <summary>The two per-particle tables (means, log σ): rows are particles, and a step's gradient touches only its batch's rows.</summary>
    public IReadOnlyList<Tensor> RowTables => [mean, logSigma];

    /// <summary>Particle indices (B) of integer dtype → μ (B, L), σ (B, L).</summary>
    public override (Tensor Mu, Tensor Sigma) forward(Tensor indices)
    {
        Tensor idx = indices.to(ScalarType.Int64, mean.device);
        return (mean.index_select(0, idx), logSigma.index_select(0, idx).exp());
    }
}
