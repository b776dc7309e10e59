using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Geometry;

/// <summary>
/// Batched, differentiable rotation builders on tensors (any device, any float dtype): unit quaternions
/// and axis–angle pairs to (…,3,3) matrices, for the model's per-segment rotations.
/// </summary>
public static class Quaternions
{
    /// <summary>
    /// Quaternions (…,4) as (w, x, y, z) → rotation matrices (…,3,3). Divides by |q|², so any non-zero
    /// quaternion gives a proper rotation (the same as its normalised version) and gradients stay smooth.
    /// </summary>
    public static Tensor ToRotationMatrix(Tensor q)
    {
        if (q.shape.Length == 0 || q.shape[^1] != 4) throw new ArgumentException("quaternions need a last dimension of 4", nameof(q));
        using var scope = NewDisposeScope();
        Tensor w = q.select(-1, 0), x = q.select(-1, 1), y = q.select(-1, 2), z = q.select(-1, 3);
        Tensor s = 2.0 / (w * w + x * x + y * y + z * z);
        Tensor m = stack(new[]
        {
            1 - s * (y * y + z * z), s * (x * y - w * z),     s * (x * z + w * y),
            s * (x * y + w * z),     1 - s * (x * x + z * z), s * (y * z - w * x),
            s * (x * z - w * y),     s * (y * z + w * x),     1 - s * (x * x + y * y),
        }, -1);
        long[] shape = q.shape[..^1].Concat(new long[] { 3, 3 }).ToArray();
        return m.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rodrigues: unit axes (…,3) and angles (…) in radians → rotation matrices (…,3,3), right-hand rule:
    /// R = I + sin θ·K + (1 − cos θ)·K², K the cross-product matrix of the axis. The axis must be unit
    /// (normalising here would put a NaN gradient at a zero axis, which the caller can avoid).
    /// </summary>
    public static Tensor AxisAngleToRotationMatrix(Tensor axis, Tensor angle)
    {
        if (axis.shape.Length == 0 || axis.shape[^1] != 3) throw new ArgumentException("axes need a last dimension of 3", nameof(axis));
        using var scope = NewDisposeScope();
        Tensor x = axis.select(-1, 0), y = axis.select(-1, 1), z = axis.select(-1, 2);
        Tensor c = angle.cos(), s = angle.sin(), t = 1 - c;
        Tensor m = stack(new[]
        {
            t * x * x + c,     t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c,     t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c,
        }, -1);
        long[] shape = m.shape[..^1].Concat(new long[] { 3, 3 }).ToArray();
        return m.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>Row-major double[9] matrices → a (B,3,3) tensor of the given dtype on the given device.</summary>
    public static Tensor FromMatrices(IReadOnlyList<double[]> rotations, Device device, ScalarType dtype = ScalarType.Float32)
    {
        var flat = new double[rotations.Count * 9];
        for (int i = 0; i < rotations.Count; i++)
        {
            if (rotations[i].Length != 9) throw new ArgumentException($"rotation {i} has {rotations[i].Length} numbers, not 9");
            Array.Copy(rotations[i], 0, flat, 9 * i, 9);
        }
        using var t = tensor(flat, new long[] { rotations.Count, 3, 3 });
        return t.to(dtype, device);
    }
}
