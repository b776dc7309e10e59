using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Amortised encoder (method.md §5): an MLP on the flattened image, N² → hidden → 2L, returning the
/// latent mean μ and standard deviation σ = ELU(v) + 1 (always positive, smooth).
/// </summary>
public sealed class Encoder : nn.Module<Tensor, (Tensor Mu, Tensor Sigma)>
{
    /// <summary>The paper's hidden widths.</summary>
    public static readonly int[] DefaultHidden = { 512, 256, 64, 64 };

    private readonly Mlp mlp;

    /// <summary>Image side N (pixels).</summary>
    public int ImageSide { get; }

    /// <summary>Latent size L.</summary>
    public int LatentDim { get; }

    public Encoder(int imageSide, int latentDim, IReadOnlyList<int>? hidden = null) : base("Encoder")
    {
        if (imageSide <= 0) throw new InputException($"encoder: image side must be positive, got {imageSide}");
        if (latentDim <= 0) throw new InputException($"latent_dimension must be positive, got {latentDim}");
        ImageSide = imageSide;
        LatentDim = latentDim;
        var sizes = new List<int> { imageSide * imageSide };
        sizes.AddRange(hidden ?? DefaultHidden);
        sizes.Add(2 * latentDim);
        mlp = new Mlp("mlp", sizes);
        RegisterComponents();
    }

    /// <summary>The underlying MLP (for the L2 penalty on its weight matrices).</summary>
    public Mlp Network => mlp;

    /// <summary>Images (B, N, N) → μ (B, L), σ (B, L).</summary>
    public override (Tensor Mu, Tensor Sigma) forward(Tensor images)
    {
        Tensor flat = images.reshape(images.shape[0], -1);
        Tensor v = mlp.call(flat);
        Tensor mu = v.narrow(1, 0, LatentDim);
        Tensor sigma = nn.functional.elu(v.narrow(1, LatentDim, LatentDim), 1.0) + 1.0;
        return (mu, sigma);
    }
}
