using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Variational posteriors of one part's K segments: Gaussians over the means μ_k, the pre-ELU widths
/// and the logits α_k, with their fixed Gaussian priors as buffers. Standard deviations are
/// softplus(ρ), so they stay positive and the KL never takes the log of a non-positive number.
/// Means and widths are stored in units of <see cref="Scale"/> (the part's length): Adam moves a
/// parameter by about one learning rate per step whatever its units, and in residue units a segment
/// boundary would crawl at 3e-4 residues per step (docs/training-defaults.md).
/// </summary>
public sealed class SegmentationPosterior : nn.Module
{
    private readonly Parameter mean_nu, mean_rho, width_nu, width_rho, proportion_nu, proportion_rho;
    private readonly Tensor prior_mean_nu, prior_mean_std, prior_width_nu, prior_width_std, prior_proportion_nu, prior_proportion_std;

    /// <summary>Number of segments K.</summary>
    public int Segments { get; }

    /// <summary>Residues per stored unit of the means and widths.</summary>
    public double Scale { get; }

    public SegmentationPosterior(string name, int segments, SegmentationGaussians initial, SegmentationGaussians prior, double scale = 1.0) : base(name)
    {
        initial.Validate(segments, "start");
        prior.Validate(segments, "prior");
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale));
        Segments = segments;
        Scale = scale;
        double[] S(double[] v) => v.Select(x => x / scale).ToArray();
        mean_nu = Param(S(initial.Means.Mean));
        mean_rho = Param(S(initial.Means.Std).Select(InverseSoftplus).ToArray());
        width_nu = Param(S(initial.Widths.Mean));
        width_rho = Param(S(initial.Widths.Std).Select(InverseSoftplus).ToArray());
        proportion_nu = Param(initial.Proportions.Mean);
        proportion_rho = Param(initial.Proportions.Std.Select(InverseSoftplus).ToArray());
        prior_mean_nu = Buffer(S(prior.Means.Mean));
        prior_mean_std = Buffer(S(prior.Means.Std));
        prior_width_nu = Buffer(S(prior.Widths.Mean));
        prior_width_std = Buffer(S(prior.Widths.Std));
        prior_proportion_nu = Buffer(prior.Proportions.Mean);
        prior_proportion_std = Buffer(prior.Proportions.Std);
        RegisterComponents();
    }

    private static Parameter Param(double[] v) => new(torch.tensor(v.Select(x => (float)x).ToArray()));

    private static Tensor Buffer(double[] v) => torch.tensor(v.Select(x => (float)x).ToArray());

    // log(e^β − 1); for large β it is β to double precision, and e^β would overflow.
    private static double InverseSoftplus(double beta) => beta > 30 ? beta : Math.Log(Math.Exp(beta) - 1);

    private static Tensor Std(Tensor rho) => nn.functional.softplus(rho);

    /// <summary>Posterior means ν (K) of the segment means, widths (pre-ELU) and logits.</summary>
    public (Tensor Mean, Tensor Width, Tensor Logit) PosteriorMeans => (mean_nu * Scale, width_nu * Scale, proportion_nu);

    /// <summary>Posterior standard deviations β (K) of the segment means, widths (pre-ELU) and logits.</summary>
    public (Tensor Mean, Tensor Width, Tensor Logit) PosteriorStds => (Std(mean_rho) * Scale, Std(width_rho) * Scale, Std(proportion_rho));

    /// <summary>
    /// B reparameterised draws: means μ (B, K), widths σ = ELU(·)+1 (B, K) and logits α (B, K).
    /// </summary>
    public (Tensor Mu, Tensor Sigma, Tensor Alpha) Sample(int batch, Generator? generator, NoiseRows? rows = null)
    {
        Tensor Draw(Tensor nu, Tensor rho)
        {
            Tensor eps = LatentSampler.Randn([batch, Segments], nu.dtype, nu.device, generator, rows);
            return nu.unsqueeze(0) + Std(rho).unsqueeze(0) * eps;
        }
        Tensor mu = Draw(mean_nu, mean_rho) * Scale;
        Tensor sigma = nn.functional.elu(Draw(width_nu, width_rho) * Scale, 1.0) + 1.0;
        Tensor alpha = Draw(proportion_nu, proportion_rho);
        return (mu, sigma, alpha);
    }

    /// <summary>The posterior means as a single "draw": μ, σ = ELU(ν_σ)+1, α, each (1, K).</summary>
    public (Tensor Mu, Tensor Sigma, Tensor Alpha) Mean() =>
        ((mean_nu * Scale).unsqueeze(0), (nn.functional.elu(width_nu * Scale, 1.0) + 1.0).unsqueeze(0), proportion_nu.unsqueeze(0));

    // KL is unchanged when posterior and prior are rescaled together, so it is computed in stored units.
    /// <summary>KL(posterior ‖ prior) of the segment means, summed over segments.</summary>
    public Tensor KlMeans() => GaussianKl(mean_nu, Std(mean_rho), prior_mean_nu, prior_mean_std);

    /// <summary>KL(posterior ‖ prior) of the pre-ELU segment widths, summed over segments.</summary>
    public Tensor KlStd() => GaussianKl(width_nu, Std(width_rho), prior_width_nu, prior_width_std);

    /// <summary>KL(posterior ‖ prior) of the segment logits, summed over segments.</summary>
    public Tensor KlProportions() => GaussianKl(proportion_nu, Std(proportion_rho), prior_proportion_nu, prior_proportion_std);

    /// <summary>Closed-form KL(N(ν, β²) ‖ N(ν0, β0²)) summed over the last dimension.</summary>
    public static Tensor GaussianKl(Tensor nu, Tensor beta, Tensor nu0, Tensor beta0) =>
        (torch.log(beta0) - torch.log(beta) + (beta.square() + (nu - nu0).square()) / (2.0 * beta0.square()) - 0.5).sum();
}
