using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>Reparameterised draw from the latent posterior.</summary>
public static class LatentSampler
{
    /// <summary>
    /// z = μ + σ·ε, ε ~ N(0, I) drawn on μ's device and dtype (from <paramref name="generator"/> when given);
    /// with <paramref name="rows"/>, ε is this rank's rows of the global batch's draw. With <paramref name="scale"/> ≠ 1,
    /// z = μ + scale·σ·ε (ε is drawn in every case, so the generator's stream does not depend on the scale).
    /// </summary>
    public static Tensor Sample(Tensor mu, Tensor sigma, Generator? generator = null, NoiseRows? rows = null, double scale = 1)
    {
        Tensor eps = Randn(mu.shape, mu.dtype, mu.device, generator, rows);
        if (scale == 1) return mu + sigma * eps;
        using Scalar s = scale.ToScalar();
        return mu + (sigma * eps).mul(s);
    }

    /// <summary>randn of <paramref name="shape"/> (B, …), or rows [Offset, Offset + B) of a (Total, …) draw.</summary>
    public static Tensor Randn(long[] shape, ScalarType dtype, Device device, Generator? generator, NoiseRows? rows)
    {
        if (rows is null) return torch.randn(shape, dtype: dtype, device: device, generator: generator);
        var full = (long[])shape.Clone();
        full[0] = rows.Total;
        return torch.randn(full, dtype: dtype, device: device, generator: generator).narrow(0, rows.Offset, shape[0]);
    }
}
