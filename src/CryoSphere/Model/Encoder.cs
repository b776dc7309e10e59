using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Amortised encoder (method.md §5): an MLP on the flattened input (the image, N² values, or the per-residue forces of
/// `encoder_input: forces`, 3R) → hidden → 2L, returning the latent mean μ and standard deviation σ = ELU(v) + 1 (always
/// positive, smooth).
/// </summary>
public sealed class Encoder : nn.Module<Tensor, (Tensor Mu, Tensor Sigma)>
{
    /// <summary>The paper's hidden widths.</summary>
    public static readonly int[] DefaultHidden = { 512, 256, 64, 64 };

    private readonly Mlp mlp;

    /// <summary>Values per input (N² pixels of an image, or 3R forces).</summary>
    public int InputSize { get; }

    /// <summary>Latent size L.</summary>
    public int LatentDim { get; }

    public Encoder(int inputSize, int latentDim, IReadOnlyList<int>? hidden = null) : base("Encoder")
    {
        if (inputSize <= 0) throw new InputException($"encoder: input size must be positive, got {inputSize}");
        if (latentDim <= 0) throw new InputException($"latent_dimension must be positive, got {latentDim}");
        InputSize = inputSize;
        LatentDim = latentDim;
        var sizes = new List<int> { inputSize };
        sizes.AddRange(hidden ?? DefaultHidden);
        sizes.Add(2 * latentDim);
        mlp = new Mlp("mlp", sizes);
        RegisterComponents();
    }

    /// <summary>The underlying MLP (for the L2 penalty on its weight matrices).</summary>
    public Mlp Network => mlp;

    /// <summary>Inputs (B, …) of <see cref="InputSize"/> values each → μ (B, L), σ (B, L).</summary>
    public override (Tensor Mu, Tensor Sigma) forward(Tensor images)
    {
        Tensor flat = images.reshape(images.shape[0], -1);
        Tensor v = mlp.call(flat);
        Tensor mu = v.narrow(1, 0, LatentDim);
        Tensor sigma = nn.functional.elu(v.narrow(1, LatentDim, LatentDim), 1.0) + 1.0;
        return (mu, sigma);
    }
}
