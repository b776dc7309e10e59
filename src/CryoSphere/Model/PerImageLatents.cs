using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>Rows [<paramref name="First"/>, <paramref name="First"/> + <paramref name="Count"/>) of a per-particle table.</summary>
public readonly record struct RowRange(int First, int Count)
{
    public int End => First + Count;
    public bool Contains(long row) => row >= First && row < End;
}

/// <summary>
/// Non-amortised latents (`amortized: false`): a free Gaussian posterior per particle, held as a
/// (n_images, L) table of means and one of log σ, looked up by particle index. Starts at the prior
/// (μ = 0, σ = 1) so every image begins with the same, uninformative posterior.
/// Under data parallelism a process may hold only its own particles' rows (<see cref="Rows"/>); a batch's rows
/// then come from <see cref="Fetch"/>, which asks their owners.
/// </summary>
public sealed class PerImageLatents : nn.Module<Tensor, (Tensor Mu, Tensor Sigma)>
{
    private readonly Parameter mean;
    private readonly Parameter logSigma;

    /// <summary>Particles in the whole table (every process's rows together).</summary>
    public int ImageCount { get; }
    public int LatentDim { get; }

    /// <summary>The rows this process holds: all of them unless the table is sharded.</summary>
    public RowRange Rows { get; }

    public bool IsShard => Rows.Count != ImageCount;

    /// <summary>
    /// Set on every rank of a sharded run (a rank may happen to hold all rows when there are fewer particles than
    /// ranks, and must still take part in the exchange): the batch's particle indices (B) → their rows of (μ | log σ), (B, 2L), as a tensor that takes part
    /// in autograd (its gradient goes back to the owners after backward). Set by the data-parallel trainer.
    /// </summary>
    public Func<Tensor, Tensor>? Fetch { get; set; }

    public PerImageLatents(int imageCount, int latentDim, RowRange? rows = null) : base("PerImageLatents")
    {
        if (imageCount <= 0) throw new InputException($"non-amortised latents need a positive image count, got {imageCount}");
        if (latentDim <= 0) throw new InputException($"latent_dimension must be positive, got {latentDim}");
        var r = rows ?? new RowRange(0, imageCount);
        if (r.First < 0 || r.Count < 0 || r.End > imageCount) throw new ArgumentException($"rows [{r.First}, {r.End}) outside a table of {imageCount}");
        ImageCount = imageCount;
        LatentDim = latentDim;
        Rows = r;
        mean = new Parameter(torch.zeros(r.Count, latentDim));
        logSigma = new Parameter(torch.zeros(r.Count, latentDim));
        RegisterComponents();
    }

    /// <summary>The two per-particle tables (means, log σ): rows are particles, and a step's gradient touches only its batch's rows.</summary>
    public IReadOnlyList<Parameter> RowTables => [mean, logSigma];

    /// <summary>Particle indices (B) of integer dtype → μ (B, L), σ (B, L).</summary>
    public override (Tensor Mu, Tensor Sigma) forward(Tensor indices)
    {
        if (Fetch is { } fetch)
        {
            Tensor rows = fetch(indices);
            return (rows.narrow(1, 0, LatentDim), rows.narrow(1, LatentDim, LatentDim).exp());
        }
        if (IsShard) throw new InvalidOperationException("a shard of the latent table needs Fetch to reach the other processes' rows");
        Tensor idx = indices.to(ScalarType.Int64, mean.device);
        return (mean.index_select(0, idx), logSigma.index_select(0, idx).exp());
    }
}
