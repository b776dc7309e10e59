using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>Loss terms of method.md §6. Every result is a scalar tensor on the inputs' device.</summary>
public static partial class Losses
{
    // Added inside square roots so that coincident points and blank images give finite gradients.
    internal const double SqrtEps = 1e-10;

    /// <summary>
    /// L_corr = −mean_i ⟨P_i, T_i⟩/(‖P_i‖·‖T_i‖) over the pixels where <paramref name="mask"/> (N, N) is
    /// non-zero (all pixels when null). Returns the loss and the per-image correlations (B) for logging.
    /// A blank image gives correlation 0 instead of 0/0.
    /// </summary>
    public static (Tensor Loss, Tensor PerImage) Correlation(Tensor pred, Tensor target, Tensor? mask = null)
    {
        if (!pred.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"prediction ({string.Join(", ", pred.shape)}) and target ({string.Join(", ", target.shape)}) differ in shape");
        Tensor p = pred, t = target;
        if (mask is not null)
        {
            Tensor m = mask.to(pred.dtype, pred.device);
            p = p * m;
            t = t * m;
        }
        long b = pred.shape[0];
        p = p.reshape(b, -1);
        t = t.reshape(b, -1);
        Tensor dot = (p * t).sum(1);
        Scalar eps = Scalars.Of(SqrtEps);
        Tensor norms = p.square().sum(1).add(eps).sqrt() * t.square().sum(1).add(eps).sqrt();
        Tensor perImage = dot / norms;
        return (-perImage.mean(), perImage);
    }

    /// <summary>
    /// KL(N(μ, σ²) ‖ N(0, I)) summed over latent dimensions and averaged over the batch.
    /// </summary>
    public static Tensor KlLatent(Tensor mu, Tensor sigma)
    {
        Tensor logSigma = sigma.clamp_min(Scalars.Of(1e-30)).log();
        return ((sigma.square() + mu.square()).sub(Scalars.Of(1.0)).mul(Scalars.Of(0.5)) - logSigma).sum(1).mean();
    }

    /// <summary>
    /// The KL(z) cost with free nats (Kingma et al. 2016): max(KL, floor). Below the floor the cost is constant, so no
    /// gradient lowers the latent's information further; above it, the cost and its gradient are KL's own.
    /// </summary>
    public static Tensor FreeNats(Tensor kl, double floor) => floor > 0 ? kl.clamp_min(Scalars.Of(floor)) : kl;

    /// <summary>Sum of squared entries of <paramref name="weights"/> (the L2 penalty).</summary>
    public static Tensor L2(IEnumerable<Tensor> weights)
    {
        object[] w = weights.Cast<object>().ToArray();
        return w.Length == 0 ? torch.zeros(Array.Empty<long>()) : L2Penalty.apply(w);
    }
}
