using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Amortised encoder (method.md §5): an MLP on the flattened input (the image, N² values, or the per-residue forces of
/// `encoder_input: forces`, 3R, optionally projected on their K principal components, `encoder_forces_components`) → hidden → 2L, returning the latent mean μ and standard deviation σ = ELU(v) + 1 (always
/// positive, smooth).
/// </summary>
public sealed class Encoder : nn.Module<Tensor, (Tensor Mu, Tensor Sigma)>
{
    /// <summary>The paper's hidden widths.</summary>
    public static readonly int[] DefaultHidden = { 512, 256, 64, 64 };

    private readonly Mlp mlp;
    // With a projection (forces on their principal components): the input's mean (D), the components (K × D) and
    // each projection's spread (K). State of the model, not trained: fitted once from the data when a run starts
    // (ForcesProjection) and saved with the weights, so a resumed run and its analysis read the inputs alike.
    private readonly Tensor? projMean, projBasis, projScale;

    /// <summary>Values per input (N² pixels of an image, or 3R forces).</summary>
    public int InputSize { get; }

    /// <summary>Latent size L.</summary>
    public int LatentDim { get; }

    /// <summary>Principal components the input is projected on before the MLP; 0: none, the MLP reads the input.</summary>
    public int Components { get; }

    public Encoder(int inputSize, int latentDim, IReadOnlyList<int>? hidden = null, int components = 0) : base("Encoder")
    {
        if (inputSize <= 0) throw new InputException($"encoder: input size must be positive, got {inputSize}");
        if (latentDim <= 0) throw new InputException($"latent_dimension must be positive, got {latentDim}");
        if (components < 0 || components > inputSize)
            throw new InputException($"encoder_forces_components must be between 0 and the {inputSize} forces values, got {components}");
        InputSize = inputSize;
        LatentDim = latentDim;
        Components = components;
        if (components > 0)
        {
            projMean = zeros(inputSize);
            projBasis = eye(components, inputSize);
            projScale = ones(components);
        }
        var sizes = new List<int> { components > 0 ? components : inputSize };
        sizes.AddRange(hidden ?? DefaultHidden);
        sizes.Add(2 * latentDim);
        mlp = new Mlp("mlp", sizes);
        // Registers the projection's tensors as buffers too (projMean, projBasis, projScale in the state dict).
        RegisterComponents();
    }

    /// <summary>Sets the projection (<see cref="Components"/> > 0): mean (D), components (K × D), spread (K), copied in.</summary>
    public void SetProjection(Tensor mean, Tensor basis, Tensor scale)
    {
        if (projMean is null) throw new InvalidOperationException("this encoder reads its input without a projection");
        using var noGrad = no_grad();
        projMean.copy_(mean);
        projBasis!.copy_(basis);
        projScale!.copy_(scale);
    }

    /// <summary>The projection's components (K × D) on the host, for checks; null without one.</summary>
    public float[]? ProjectionBasis() => projBasis?.cpu().contiguous().data<float>().ToArray();

    /// <summary>The underlying MLP (for the L2 penalty on its weight matrices).</summary>
    public Mlp Network => mlp;

    /// <summary>Inputs (B, …) of <see cref="InputSize"/> values each → μ (B, L), σ (B, L).</summary>
    public override (Tensor Mu, Tensor Sigma) forward(Tensor images)
    {
        Tensor flat = images.reshape(images.shape[0], -1);
        if (projBasis is not null) flat = (flat - projMean!).matmul(projBasis.t()) / projScale!;
        Tensor v = mlp.call(flat);
        Tensor mu = v.narrow(1, 0, LatentDim);
        Tensor sigma = nn.functional.elu(v.narrow(1, LatentDim, LatentDim), 1.0) + 1.0;
        return (mu, sigma);
    }
}
