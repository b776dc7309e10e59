using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Unit quaternions from the decoder's unconstrained vectors: q = (1, v)/√(1+|v|²), i.e. the axis
/// v/|v| and angle δ = 2·atan|v| (method.md §5). Smooth everywhere, the identity at v = 0.
/// </summary>
public static class Quaternion
{
    // |v|² below this is treated as |v|² = this: the axis then becomes v/1e-12 (not unit, but the
    // rotation angle is ~2e-12), which keeps both value and first derivative of the rotation right at v = 0.
    private const double TinyNormSquared = 1e-24;

    /// <summary>v (..., 3) → unit quaternion (..., 4) as (w, x, y, z) with w ≥ 0.</summary>
    public static Tensor FromVector(Tensor v)
    {
        Tensor inv = (v.square().sum(-1, keepdim: true) + 1.0).rsqrt();
        return torch.cat(new[] { inv, v * inv }, -1);
    }

    /// <summary>
    /// v (..., 3) → unit axis (..., 3) and angle δ = 2·atan|v| (...) in radians, δ ∈ [0, π).
    /// At v = 0 the axis is the zero vector (any axis is right for a zero angle), and gradients stay
    /// finite: the rotation by δ about the axis has the correct derivative 2·(dv × x) there.
    /// </summary>
    public static (Tensor Axis, Tensor Angle) AxisAngle(Tensor v)
    {
        Tensor norm = v.square().sum(-1, keepdim: true).clamp_min(TinyNormSquared).sqrt();
        Tensor axis = v / norm;
        Tensor angle = 2.0 * torch.atan(norm.squeeze(-1));
        return (axis, angle);
    }

    /// <summary>Unit quaternion (..., 4) as (w, x, y, z) → active rotation matrix (..., 3, 3).</summary>
    public static Tensor ToMatrix(Tensor q)
    {
        Tensor w = q.select(-1, 0), x = q.select(-1, 1), y = q.select(-1, 2), z = q.select(-1, 3);
        Tensor[] m =
        {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
        };
        long[] shape = q.shape[..^1].Concat(new long[] { 3, 3 }).ToArray();
        return torch.stack(m, -1).reshape(shape);
    }
}
