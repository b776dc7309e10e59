using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>One forward pass of <see cref="VaeModel"/>, all batched over B images.</summary>
/// <param name="Mu">Latent means (B, L).</param>
/// <param name="Sigma">Latent standard deviations (B, L).</param>
/// <param name="Z">Latent draws (B, L).</param>
/// <param name="G">Segment memberships (B, R, K).</param>
/// <param name="Axes">Segment rotation axes (B, K, 3).</param>
/// <param name="Angles">Segment rotation angles (B, K), radians.</param>
/// <param name="Translations">Segment translations (B, K, 3), Å.</param>
/// <param name="Coords">Deformed coordinates (B, R, 3), Å.</param>
public sealed record VaeOutput(Tensor Mu, Tensor Sigma, Tensor Z, Tensor G, Tensor Axes, Tensor Angles,
    Tensor Translations, Tensor Coords);
