using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Decoder (method.md §5): MLP L → hidden → 6K. Per segment k the six outputs are, in order, the
/// translation t_k (3, Å) and the rotation vector v_k (3) that <see cref="Geometry.Rotations.QuaternionFromVector"/> turns into a
/// unit quaternion.
/// </summary>
public sealed class Decoder : nn.Module<Tensor, (Tensor Translations, Tensor Vectors)>
{
    /// <summary>The paper's hidden widths.</summary>
    public static readonly int[] DefaultHidden = { 512, 512 };

    private readonly Mlp mlp;

    public int LatentDim { get; }

    /// <summary>Total number of segments K over all parts.</summary>
    public int Segments { get; }

    public Decoder(int latentDim, int segments, IReadOnlyList<int>? hidden = null) : base("Decoder")
    {
        if (latentDim <= 0) throw new InputException($"latent_dimension must be positive, got {latentDim}");
        if (segments <= 0) throw new InputException($"decoder: number of segments must be positive, got {segments}");
        LatentDim = latentDim;
        Segments = segments;
        var sizes = new List<int> { latentDim };
        sizes.AddRange(hidden ?? DefaultHidden);
        sizes.Add(6 * segments);
        mlp = new Mlp("mlp", sizes);
        RegisterComponents();
    }

    /// <summary>The underlying MLP (for the L2 penalty on its weight matrices).</summary>
    public Mlp Network => mlp;

    /// <summary>z (B, L) → translations (B, K, 3) in Å and rotation vectors (B, K, 3).</summary>
    public override (Tensor Translations, Tensor Vectors) forward(Tensor z)
    {
        Tensor o = mlp.call(z).reshape(z.shape[0], Segments, 6);
        return (o.narrow(2, 0, 3), o.narrow(2, 3, 3));
    }
}
