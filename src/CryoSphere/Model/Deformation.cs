using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Moves the base structure by the segment motions (method.md §5): residue r is rotated successively by
/// segments k = 1..K, each about axis_k through the origin (the box centre) by G[r,k]·δ_k, and then
/// translated by Σ_k G[r,k]·t_k.
/// </summary>
public static class Deformation
{
    /// <param name="baseCoords">Base coordinates (R, 3), Å, box-centred.</param>
    /// <param name="g">Segment memberships (B, R, K).</param>
    /// <param name="axes">Rotation axes (B, K, 3), unit (or zero where the angle is zero).</param>
    /// <param name="angles">Rotation angles δ_k (B, K), radians.</param>
    /// <param name="translations">Translations t_k (B, K, 3), Å.</param>
    /// <returns>Deformed coordinates (B, R, 3).</returns>
    public static Tensor Apply(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, Tensor translations)
    {
        long b = g.shape[0], r = g.shape[1], k = g.shape[2];
        if (baseCoords.shape.Length != 2 || baseCoords.shape[0] != r || baseCoords.shape[1] != 3)
            throw new ArgumentException($"base coordinates must be ({r}, 3), got ({string.Join(", ", baseCoords.shape)})");
        if (axes.shape[1] != k || angles.shape[1] != k || translations.shape[1] != k)
            throw new ArgumentException($"G has {k} segments but axes/angles/translations have {axes.shape[1]}/{angles.shape[1]}/{translations.shape[1]}");

        Tensor x = baseCoords.unsqueeze(0).expand(b, r, 3);
        for (long s = 0; s < k; s++)
        {
            Tensor theta = (g.select(2, s) * angles.select(1, s).unsqueeze(1)).unsqueeze(-1); // (B,R,1)
            Tensor a = axes.select(1, s).unsqueeze(1).expand(b, r, 3);                         // (B,R,3)
            Tensor cos = theta.cos();
            Tensor aDotX = (a * x).sum(-1, keepdim: true);
            // Rodrigues: x' = x cosθ + (a × x) sinθ + a (a·x)(1 − cosθ).
            x = x * cos + torch.linalg.cross(a, x, dim: -1) * theta.sin() + a * aDotX * (1.0 - cos);
        }
        return x + g.matmul(translations);
    }
}
