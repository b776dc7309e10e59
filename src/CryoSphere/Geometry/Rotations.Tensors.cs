using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Geometry;

/// <summary>
/// The batched, differentiable half of <see cref="Rotations"/> (any device, any float dtype, shapes (…,·)): the
/// decoder's vectors to unit quaternions and axis–angle pairs (method.md §5), quaternions and axis–angle pairs to
/// (…,3,3) matrices. Same conventions as the double-precision half, which the tests compare them with.
/// </summary>
public static partial class Rotations
{
    // |v|² below this is treated as |v|² = this: the axis then becomes v/1e-12 (not unit, but the
    // rotation angle is ~2e-12), which keeps both value and first derivative of the rotation right at v = 0.
    private const double TinyNormSquared = 1e-24;

    /// <summary>
    /// The decoder's unconstrained v (…,3) → unit quaternion q = (1, v)/√(1+|v|²) (…,4) as (w, x, y, z), w &gt; 0:
    /// the axis v/|v| and angle δ = 2·atan|v|. Smooth everywhere, the identity at v = 0.
    /// </summary>
    public static Tensor QuaternionFromVector(Tensor v)
    {
        Tensor inv = (v.square().sum(-1, keepdim: true) + 1.0).rsqrt();
        return torch.cat(new[] { inv, v * inv }, -1);
    }

    /// <summary>
    /// The rotation of <see cref="QuaternionFromVector"/> as unit axis (…,3) and angle δ = 2·atan|v| (…) in radians,
    /// δ ∈ [0, π). At v = 0 the axis is the zero vector (any axis is right for a zero angle), and gradients stay
    /// finite: the rotation by δ about the axis has the correct derivative 2·(dv × x) there.
    /// </summary>
    public static (Tensor Axis, Tensor Angle) AxisAngleFromVector(Tensor v)
    {
        Tensor norm = v.square().sum(-1, keepdim: true).clamp_min(TinyNormSquared).sqrt();
        Tensor axis = v / norm;
        Tensor angle = 2.0 * torch.atan(norm.squeeze(-1));
        return (axis, angle);
    }

    /// <summary>
    /// Quaternions (…,4) as (w, x, y, z) → rotation matrices (…,3,3), as <see cref="FromQuaternion"/>. Divides by
    /// |q|², so any non-zero quaternion gives a proper rotation (the same as its normalised version) and gradients
    /// stay smooth.
    /// </summary>
    public static Tensor FromQuaternions(Tensor q)
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
    /// Rodrigues, as <see cref="FromAxisAngle"/>: unit axes (…,3) and angles (…) in radians → rotation matrices
    /// (…,3,3), right-hand rule: R = I + sin θ·K + (1 − cos θ)·K², K the cross-product matrix of the axis. The axis
    /// must be unit (normalising here would put a NaN gradient at a zero axis, which the caller can avoid); a zero
    /// axis gives the identity.
    /// </summary>
    public static Tensor FromAxisAngles(Tensor axis, Tensor angle)
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

    /// <summary>
    /// Rodrigues applied to points: unit axes (…,3) and angles (…) rotate points (…,3) (broadcast against them):
    /// p·cos θ + (a × p)·sin θ + a·(a·p)·(1 − cos θ), as <see cref="FromAxisAngles"/> times p without the matrices.
    /// </summary>
    public static Tensor RotatePoints(Tensor axis, Tensor angle, Tensor points)
    {
        using var scope = NewDisposeScope();
        Tensor c = angle.cos().unsqueeze(-1), s = angle.sin().unsqueeze(-1);
        Tensor p = points.expand_as(axis);
        Tensor rotated = p * c + torch.linalg.cross(axis, p) * s + axis * (axis * p).sum(-1, keepdim: true) * (1 - c);
        return rotated.MoveToOuterDisposeScope();
    }
}
