using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Moves the base structure by the segment motions (method.md §5): residue r is rotated successively by
/// segments k = 1..K, each about axis_k through the origin (the box centre) by G[r,k]·δ_k, and then
/// translated by Σ_k G[r,k]·t_k.
/// </summary>
/// <remarks>
/// The successive rotations do not commute, but their composition is a product, and products associate:
/// each (image, residue, segment) rotation is written as a unit quaternion (cos ½θ, sin ½θ·a), all K of them
/// at once, and the K factors of each residue are multiplied pairwise in a tree (⌈log₂K⌉ levels, later factor
/// on the left), so the cost is a few whole-tensor operations per level instead of a dozen per segment.
/// The composed rotation is applied once. Equal to the segment-by-segment Rodrigues loop
/// (<see cref="ApplySequential"/>) to rounding for unit axes; a zero axis (which
/// <see cref="Quaternion.AxisAngle"/> gives only with a zero angle) means no rotation in both.
/// </remarks>
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
        Check(baseCoords, g, axes, angles, translations);
        using var scope = NewDisposeScope();
        // Quaternion of each (b, r, k) rotation: w = cos ½θ, v = sin ½θ · a, θ = G[b,r,k]·δ_k.
        Tensor half = g * angles.unsqueeze(1).mul(Half);                                  // (B,R,K)
        Tensor w = half.cos();                                                            // (B,R,K)
        Tensor v = half.sin().unsqueeze(-1) * axes.unsqueeze(1);                          // (B,R,K,3)
        // Tree product over k: neighbours (earlier e, later l) → l ⊗ e; an odd last factor waits a level.
        while (w.shape[2] > 1)
        {
            long k = w.shape[2], pairs = k / 2;
            Tensor we = w.narrow(2, 0, 2 * pairs).unflatten(2, [pairs, 2]);              // (B,R,P,2)
            Tensor ve = v.narrow(2, 0, 2 * pairs).unflatten(2, [pairs, 2]);              // (B,R,P,2,3)
            Tensor w1 = we.select(3, 0), w2 = we.select(3, 1);                           // earlier, later
            Tensor v1 = ve.select(3, 0), v2 = ve.select(3, 1);
            // (w2, v2) ⊗ (w1, v1) = (w2·w1 − v2·v1, w2·v1 + w1·v2 + v2 × v1)
            Tensor wn = w2 * w1 - (v2 * v1).sum(-1);
            Tensor vn = w2.unsqueeze(-1) * v1 + w1.unsqueeze(-1) * v2 + linalg.cross(v2, v1, dim: -1);
            if (k % 2 == 1)
            {
                wn = cat([wn, w.narrow(2, k - 1, 1)], 2);
                vn = cat([vn, v.narrow(2, k - 1, 1)], 2);
            }
            w = wn;
            v = vn;
        }
        Tensor q0 = w.squeeze(2).unsqueeze(-1), qv = v.squeeze(2);                     // (B,R,1), (B,R,3)
        Tensor x = baseCoords.unsqueeze(0);                                              // (1,R,3)
        // x' = x + w·t + v × t with t = 2 v × x (rotation by a unit quaternion).
        Tensor t2 = linalg.cross(qv, x.expand_as(qv), dim: -1).mul(Two);
        Tensor moved = x + q0 * t2 + linalg.cross(qv, t2, dim: -1);
        return (moved + g.matmul(translations)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The definition, one segment after the other (Rodrigues' formula per segment): the reference for
    /// <see cref="Apply"/> in tests and benchmarks. Cost and autograd graph grow with K.
    /// </summary>
    public static Tensor ApplySequential(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, Tensor translations)
    {
        Check(baseCoords, g, axes, angles, translations);
        long b = g.shape[0], r = g.shape[1], k = g.shape[2];
        Tensor x = baseCoords.unsqueeze(0).expand(b, r, 3);
        for (long s = 0; s < k; s++)
        {
            Tensor theta = (g.select(2, s) * angles.select(1, s).unsqueeze(1)).unsqueeze(-1); // (B,R,1)
            Tensor a = axes.select(1, s).unsqueeze(1).expand(b, r, 3);                         // (B,R,3)
            Tensor cos = theta.cos();
            Tensor aDotX = (a * x).sum(-1, keepdim: true);
            // Rodrigues: x' = x cosθ + (a × x) sinθ + a (a·x)(1 − cosθ).
            x = x * cos + torch.linalg.cross(a, x, dim: -1) * theta.sin() + a * aDotX * cos.neg().add(One);
        }
        return x + g.matmul(translations);
    }

    // Cached Scalars: a `tensor * 0.5` would make a new native Scalar per call, freed only by the finalizer.
    private static readonly Scalar Half = 0.5, Two = 2.0, One = 1.0;

    private static void Check(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, Tensor translations)
    {
        long r = g.shape[1], k = g.shape[2];
        if (baseCoords.shape.Length != 2 || baseCoords.shape[0] != r || baseCoords.shape[1] != 3)
            throw new ArgumentException($"base coordinates must be ({r}, 3), got ({string.Join(", ", baseCoords.shape)})");
        if (axes.shape[1] != k || angles.shape[1] != k || translations.shape[1] != k)
            throw new ArgumentException($"G has {k} segments but axes/angles/translations have {axes.shape[1]}/{angles.shape[1]}/{translations.shape[1]}");
    }
}
