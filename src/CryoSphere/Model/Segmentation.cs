using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Soft segmentation of the residue line (method.md §5). Per part, K Gaussians over the part-local residue
/// index r: G[r,k] = softmax_k((log φ(r | μ_k, σ_k²) + log π_k)/τ), π = softmax(α). The constant
/// −½·log 2π of the normal pdf cancels in the softmax and is left out. Columns of a part are zero
/// outside it; a residue outside every part has an all-zero row and so never moves.
/// </summary>
public sealed class Segmentation : nn.Module
{
    /// <summary>Default τ (`tau_segmentation`): the paper's power 20.</summary>
    public const double DefaultTau = 0.05;

    /// <summary>Smallest segment width (residues) used in the memberships.</summary>
    public const double MinWidth = 1e-3;

    private readonly ModuleList<SegmentationPosterior> posteriors;
    private readonly SegmentationPart[] parts;
    private readonly int[] offsets;

    /// <summary>Residues R in the whole structure.</summary>
    public int ResidueCount { get; }

    /// <summary>Sum of the parts' segment counts.</summary>
    public int TotalSegments { get; }

    /// <summary>Softmax temperature τ.</summary>
    public double Tau { get; }

    public IReadOnlyList<SegmentationPart> Parts => parts;

    /// <summary>The per-part posteriors, in part order.</summary>
    public IReadOnlyList<SegmentationPosterior> Posteriors => posteriors.ToList();

    public Segmentation(int residueCount, IReadOnlyList<SegmentationPart> parts, double tau = DefaultTau) : base("Segmentation")
    {
        if (residueCount <= 0) throw new InputException($"segmentation: the structure has no residues");
        if (parts.Count == 0) throw new InputException("segmentation: at least one part is needed");
        if (!(tau > 0) || !double.IsFinite(tau)) throw new InputException($"tau_segmentation must be positive, got {tau}");
        var ordered = parts.OrderBy(p => p.Start).ToArray();
        for (int i = 0; i < ordered.Length; i++)
        {
            var p = ordered[i];
            if (p.Start < 0 || p.End > residueCount || p.End <= p.Start)
                throw new InputException($"segmentation part [{p.Start}, {p.End}) is empty or outside residues [0, {residueCount})");
            if (p.Segments <= 0) throw new InputException($"segmentation part [{p.Start}, {p.End}): N_segm must be positive, got {p.Segments}");
            if (i > 0 && p.Start < ordered[i - 1].End)
                throw new InputException($"segmentation parts [{ordered[i - 1].Start}, {ordered[i - 1].End}) and [{p.Start}, {p.End}) overlap");
        }
        ResidueCount = residueCount;
        Tau = tau;
        this.parts = parts.ToArray();
        offsets = new int[this.parts.Length];
        posteriors = new ModuleList<SegmentationPosterior>();
        int k = 0;
        for (int i = 0; i < this.parts.Length; i++)
        {
            var p = this.parts[i];
            offsets[i] = k;
            k += p.Segments;
            posteriors.Add(new SegmentationPosterior($"part{i}", p.Segments, p.InitialOrUniform, p.PriorOrUniform, p.Length));
        }
        TotalSegments = k;
        RegisterComponents();
    }

    /// <summary>
    /// B reparameterised samples of the memberships: G (B, R, K_total). A <paramref name="generator"/>
    /// must live on the module's device; null uses torch's global generator.
    /// </summary>
    public Tensor Sample(int batch, Generator? generator = null, NoiseRows? rows = null)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch));
        return Assemble(i => posteriors[i].Sample(batch, generator, rows));
    }

    /// <summary>Memberships from the posterior means (deterministic, for analysis): (R, K_total).</summary>
    public Tensor MeanG() => Assemble(i => posteriors[i].Mean()).squeeze(0);

    /// <summary>Sum over parts of KL of the segment-mean posteriors against their priors.</summary>
    public Tensor KlMeans() => SumOverParts(p => p.KlMeans());

    /// <summary>Sum over parts of KL of the (pre-ELU) width posteriors against their priors.</summary>
    public Tensor KlStd() => SumOverParts(p => p.KlStd());

    /// <summary>Sum over parts of KL of the logit posteriors against their priors.</summary>
    public Tensor KlProportions() => SumOverParts(p => p.KlProportions());

    /// <summary>Per residue, the segment (global column) of largest mean membership; −1 where it never moves.</summary>
    public long[] HardAssignment()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return HardAssignment(MeanG());
    }

    /// <summary>Per row of G (R, K), the column of the largest value; −1 for an all-zero row.</summary>
    public static long[] HardAssignment(Tensor g)
    {
        using var scope = torch.NewDisposeScope();
        Tensor cpu = g.detach().to(ScalarType.Float64, torch.CPU);
        long[] arg = cpu.argmax(1).data<long>().ToArray();
        double[] max = cpu.amax(new long[] { 1 }).data<double>().ToArray();
        for (int r = 0; r < arg.Length; r++)
            if (max[r] <= 0) arg[r] = -1;
        return arg;
    }

    /// <summary>Memberships within one part, (B, n, K), from drawn μ, σ, α each (B, K).</summary>
    public static Tensor PartMemberships(Tensor mu, Tensor sigma, Tensor alpha, int residues, double tau)
    {
        // Segments lead, (B, K, n), and the softmax runs over dim 1: libtorch vectorises that over the residues, while a
        // softmax over a last dimension of K = 6 goes row by row (forward + backward ~3× slower at B 64, n 428; the
        // returned transpose is a view, and G's users copy it into their own layouts anyway).
        Tensor r = torch.arange(residues, dtype: mu.dtype, device: mu.device).reshape(1, 1, residues);
        // A width far below one residue is meaningless; the floor keeps log σ and 1/σ² finite if a draw underflows.
        Tensor m = mu.unsqueeze(2), s = sigma.clamp_min(MinWidth).unsqueeze(2);
        Tensor logPhi = -(r - m).square() / (2.0 * s.square()) - s.log();
        Tensor logPi = nn.functional.log_softmax(alpha, -1).unsqueeze(2);
        return nn.functional.softmax((logPhi + logPi) / tau, 1).transpose(1, 2);
    }

    private Tensor Assemble(Func<int, (Tensor Mu, Tensor Sigma, Tensor Alpha)> draw)
    {
        var blocks = new Tensor[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            var (mu, sigma, alpha) = draw(i);
            Tensor g = PartMemberships(mu, sigma, alpha, p.Length, Tau);
            int after = TotalSegments - offsets[i] - p.Segments;
            blocks[i] = nn.functional.pad(g, new long[] { offsets[i], after, p.Start, ResidueCount - p.End });
        }
        Tensor sum = blocks[0];
        for (int i = 1; i < blocks.Length; i++) sum = sum + blocks[i];
        return sum;
    }

    private Tensor SumOverParts(Func<SegmentationPosterior, Tensor> kl)
    {
        Tensor sum = kl(posteriors[0]);
        for (int i = 1; i < posteriors.Count; i++) sum = sum + kl(posteriors[i]);
        return sum;
    }
}
