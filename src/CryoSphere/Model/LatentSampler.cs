using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>Reparameterised draw from the latent posterior.</summary>
public static class LatentSampler
{
    /// <summary>z = μ + σ·ε, ε ~ N(0, I) drawn on μ's device and dtype (from <paramref name="generator"/> when given).</summary>
    public static Tensor Sample(Tensor mu, Tensor sigma, Generator? generator = null)
    {
        Tensor eps = torch.randn(mu.shape, dtype: mu.dtype, device: mu.device, generator: generator);
        return mu + sigma * eps;
    }
}
