using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// The in-plane part of a pose, and images turned back by it. Any rotation is R = Rz(ψ)·Ry(θ)·Rz(φ); since the image
/// is the projection of R·X along z, Rz(ψ) only turns the image about its centre. An image turned back by ψ is the
/// particle as seen from its viewing direction (θ, φ) alone: images of one conformation seen from nearby directions
/// then look alike whatever their ψ, so the encoder need not learn every feature at every in-plane angle.
/// </summary>
public static class InPlaneRotation
{
    /// <summary>
    /// ψ (radians, (B)) of rotations (B,3,3) acting as Y = R·X: R·e_z = (cos ψ sin θ, sin ψ sin θ, cos θ). Seen along
    /// ±z (sin θ below 1e-6) ψ and φ are one angle, all given to ψ: R = Rz(ψ) or Rz(ψ)·Ry(π).
    /// </summary>
    public static Tensor Psi(Tensor rotations)
    {
        using var scope = NewDisposeScope();
        Tensor r02 = rotations[.., 0, 2], r12 = rotations[.., 1, 2];
        Tensor sinTheta = (r02.square() + r12.square()).sqrt();
        // Along ±z: R = Rz(α)·diag(1, ±1, ±1)… whose first column is (cos α, sin α, 0).
        Tensor pole = atan2(rotations[.., 1, 0], rotations[.., 0, 0]);
        return where(sinTheta > 1e-6, atan2(r12, r02), pole).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Images (B,n,n), centre at pixel (n/2, n/2) as the renderer's, turned back by <paramref name="psi"/> (B): the
    /// output at q is the input at Rz(ψ)·q (bilinear; outside the image zero). For images (x = column, y = row) made
    /// with a pose Rz(ψ)·M, the result is the image made with M.
    /// </summary>
    public static Tensor TurnBack(Tensor images, Tensor psi)
    {
        using var scope = NewDisposeScope();
        long b = images.shape[0], n = images.shape[1];
        var dt = images.dtype;
        Tensor c = cos(psi).to_type(dt), s = sin(psi).to_type(dt);
        // grid_sample's coordinates with align_corners false: pixel i at u = (2i + 1)/n − 1, so the centre pixel n/2 at
        // u0 = 1/n; a turn about it is u ↦ A·u + (I − A)·u0.
        double u0 = 1.0 / n;
        Tensor tx = (1 - c + s) * u0, ty = (1 - c - s) * u0;
        Tensor theta = stack([stack([c, -s, tx], 1), stack([s, c, ty], 1)], 1); // (B,2,3)
        Tensor grid = nn.functional.affine_grid(theta, [b, 1, n, n], align_corners: false);
        Tensor turned = nn.functional.grid_sample(images.unsqueeze(1), grid, align_corners: false).squeeze(1);
        return turned.MoveToOuterDisposeScope();
    }
}
