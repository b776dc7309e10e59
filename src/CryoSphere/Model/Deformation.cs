using TorchSharp;
using CryoSphere.Geometry;
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
/// <see cref="Geometry.Rotations.AxisAngleFromVector"/> gives only with a zero angle) means no rotation in both.
/// </remarks>
public static class Deformation
{
    /// <param name="baseCoords">Base coordinates (R, 3), Å, box-centred.</param>
    /// <param name="g">Segment memberships (B, R, K).</param>
    /// <param name="axes">Rotation axes (B, K, 3), unit (or zero where the angle is zero).</param>
    /// <param name="angles">Rotation angles δ_k (B, K), radians.</param>
    /// <param name="translations">Translations t_k (B, K, 3), Å.</param>
    /// <returns>Deformed coordinates (B, R, 3).</returns>
    public static Tensor Apply(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, Tensor translations) =>
        Apply(baseCoords, g, axes, angles, translations, ChunkElements);

    /// <summary><see cref="Apply(Tensor, Tensor, Tensor, Tensor, Tensor)"/> with residue chunks of at most
    /// <paramref name="chunkElements"/> elements per (K,B,R) factor (tests force several chunks); <paramref name="chainKernel"/>
    /// false takes the quaternion tree on the CPU too (tests compare the two).</summary>
    internal static Tensor Apply(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, Tensor translations, long chunkElements, bool chainKernel = true)
    {
        Check(baseCoords, g, axes, angles, translations);
        using var scope = NewDisposeScope();
        long b = g.shape[0], r = g.shape[1], k = g.shape[2];
        // Residues in chunks so that no (K,B,R) factor exceeds ChunkElements: above glibc's mmap threshold (32 MiB,
        // its ceiling) every such tensor was a fresh mapping whose pages faulted in zeroed, forward and backward; at
        // 14,000 residues, B 64, K 20 that made the step 5× slower per image than at B 32 (bench deformation).
        long chunk = Math.Max(1, chunkElements / Math.Max(1, k * b));
        // split, not narrow per chunk: narrow's backward makes a zero gradient of the whole G per chunk.
        Tensor rotated = r <= chunk
            ? Rotate(baseCoords, g, axes, angles, chainKernel)
            : cat(baseCoords.split(chunk, 0).Zip(g.split(chunk, 1), (x, gc) => Rotate(x, gc, axes, angles, chainKernel)).ToArray(), 1);
        return (rotated + g.matmul(translations)).MoveToOuterDisposeScope();
    }

    // Elements of each (K,B,R) factor per chunk of residues: 4 MiB of float32, far below the mmap threshold.
    private const long ChunkElements = 1L << 20;

    /// <summary>The composed rotations of residues (R) applied to them: (B,R,3), no translation.</summary>
    private static Tensor Rotate(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, bool chainKernel)
    {
        // On the CPU the whole chain is one autograd node (RotationChain); the tree below serves other devices.
        if (chainKernel && RotationChain.Applies(baseCoords, g, axes, angles)) return RotationChain.Rotate(baseCoords, g, axes, angles);
        // Quaternion (w, x, y, z) of each (k, b, r) rotation: w = cos ½θ, (x, y, z) = sin ½θ · a, θ = G[b,r,k]·δ_k.
        // Segments lead so that every factor below is a contiguous (B,R) block; components are separate tensors
        // (plain products and sums, no 4- or 3-vector kernels).
        Tensor half = (g * angles.unsqueeze(1).mul(Half)).permute(2, 0, 1).contiguous();   // (K,B,R)
        Tensor sin = half.sin();
        Tensor ax = axes.permute(2, 1, 0).unsqueeze(-1);                                  // (3,K,B,1)
        var q = new[] { half.cos(), sin * ax[0], sin * ax[1], sin * ax[2] };              // 4 × (K,B,R)
        // Tree product over k: neighbours (earlier 1, later 2) → q2 ⊗ q1; an odd last factor waits a level.
        while (q[0].shape[0] > 1)
        {
            long k = q[0].shape[0], pairs = k / 2;
            var e = new Tensor[4];
            var l = new Tensor[4];
            for (int c = 0; c < 4; c++)
            {
                Tensor p = q[c].narrow(0, 0, 2 * pairs).unflatten(0, [pairs, 2]);          // (P,2,B,R)
                e[c] = p.select(1, 0);
                l[c] = p.select(1, 1);
            }
            var n = Multiply(l, e);
            if (k % 2 == 1)
                for (int c = 0; c < 4; c++) n[c] = cat([n[c], q[c].narrow(0, k - 1, 1)], 0);
            q = n;
        }
        Tensor w = q[0][0], qx = q[1][0], qy = q[2][0], qz = q[3][0];                     // (B,R)
        Tensor px = baseCoords.select(1, 0), py = baseCoords.select(1, 1), pz = baseCoords.select(1, 2);   // (R)
        // x' = x + w·t + v × t with t = 2 v × x (rotation by a unit quaternion).
        Tensor tx = (qy * pz - qz * py).mul(Two), ty = (qz * px - qx * pz).mul(Two), tz = (qx * py - qy * px).mul(Two);
        Tensor mx = px + w * tx + (qy * tz - qz * ty);
        Tensor my = py + w * ty + (qz * tx - qx * tz);
        Tensor mz = pz + w * tz + (qx * ty - qy * tx);
        return stack([mx, my, mz], -1);
    }

    /// <summary>Hamilton product a ⊗ b of quaternions given as (w, x, y, z) component tensors.</summary>
    private static Tensor[] Multiply(Tensor[] a, Tensor[] b)
    {
        Tensor aw = a[0], ax = a[1], ay = a[2], az = a[3], bw = b[0], bx = b[1], by = b[2], bz = b[3];
        return
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ];
    }

    /// <summary>
    /// The definition, one segment after the other (Rodrigues' formula per segment): the reference for
    /// <see cref="Apply(Tensor, Tensor, Tensor, Tensor, Tensor)"/> in tests and benchmarks. Cost and autograd graph grow with K.
    /// </summary>
    public static Tensor ApplySequential(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, Tensor translations)
    {
        Check(baseCoords, g, axes, angles, translations);
        long b = g.shape[0], r = g.shape[1], k = g.shape[2];
        Tensor x = baseCoords.unsqueeze(0).expand(b, r, 3);
        for (long s = 0; s < k; s++)
        {
            Tensor theta = g.select(2, s) * angles.select(1, s).unsqueeze(1);   // (B,R)
            Tensor a = axes.select(1, s).unsqueeze(1).expand(b, r, 3);         // (B,R,3)
            // Rodrigues' matrix per (image, residue), applied to that residue's position.
            x = Rotations.FromAxisAngles(a, theta).matmul(x.unsqueeze(-1)).squeeze(-1);
        }
        return x + g.matmul(translations);
    }

    // Cached Scalars: a `tensor * 0.5` would make a new native Scalar per call, freed only by the finalizer.
    private static readonly Scalar Half = 0.5, Two = 2.0;

    private static void Check(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles, Tensor translations)
    {
        long r = g.shape[1], k = g.shape[2];
        if (baseCoords.shape.Length != 2 || baseCoords.shape[0] != r || baseCoords.shape[1] != 3)
            throw new ArgumentException($"base coordinates must be ({r}, 3), got ({string.Join(", ", baseCoords.shape)})");
        if (axes.shape[1] != k || angles.shape[1] != k || translations.shape[1] != k)
            throw new ArgumentException($"G has {k} segments but axes/angles/translations have {axes.shape[1]}/{angles.shape[1]}/{translations.shape[1]}");
    }
}
