using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// What a learner of rigid parts can find of a motion without being told it: the particles' forces (the gradient of each
/// image's correlation with the base structure's projection, per Cα) summed into each part's net force and torque, then
/// the top principal component in the metric of the noise (docs/training-defaults.md §22). That is the spectral
/// estimate of a spiked covariance model: the motion adds variance along one direction, noise along all; it finds the
/// direction only when the data set is large enough for that variance to stand out of the noise's sample spread, so
/// its r with the truth says how much of the per-image ceiling the data set's size lets a learner of those parts reach.
/// </summary>
public static class RigidForceSpectrum
{
    /// <summary>
    /// Per particle, each part's net force and torque about the part's centroid (6 values a part, parts in the order of
    /// <paramref name="starts"/>). <paramref name="forces"/>: (N, R·3); <paramref name="coords"/>: (R, 3);
    /// <paramref name="starts"/>: the first residue index of each part, ascending from 0, the last part running to the end.
    /// </summary>
    public static Tensor GeneralisedForces(Tensor forces, Tensor coords, IReadOnlyList<int> starts)
    {
        using var guard = NativeCallGuard.Enter();
        int r = (int)coords.shape[0];
        if (starts.Count == 0 || starts[0] != 0 || starts.Zip(starts.Skip(1)).Any(p => p.Second <= p.First) || starts[^1] >= r)
            throw new ArgumentException($"part starts must ascend from 0 below {r}: {string.Join(",", starts)}", nameof(starts));
        using var noGrad = no_grad();
        var f = forces.reshape(forces.shape[0], r, 3);
        var parts = new List<Tensor>();
        for (int p = 0; p < starts.Count; p++)
        {
            int a = starts[p], b = p + 1 < starts.Count ? starts[p + 1] : r;
            var x = coords.narrow(0, a, b - a);
            var fp = f.narrow(1, a, b - a);
            var arm = (x - x.mean([0], keepdim: true)).unsqueeze(0).expand_as(fp);
            parts.Add(fp.sum(1));
            parts.Add(linalg.cross(arm, fp, -1).sum(1));
        }
        return cat(parts, 1);
    }

    /// <summary>
    /// <paramref name="data"/> (N, D) centred and put in the metric of <paramref name="noise"/> (M, D; the same features
    /// computed from noise alone), where the noise's covariance is the identity: there fitting noise gains alike along
    /// every direction, as it does in the loss.
    /// </summary>
    public static Tensor Whiten(Tensor data, Tensor noise)
    {
        using var guard = NativeCallGuard.Enter();
        if (data.shape[1] != noise.shape[1]) throw new ArgumentException("data and noise must have the same features");
        if (noise.shape[0] <= noise.shape[1]) throw new ArgumentException($"noise needs more samples ({noise.shape[0]}) than features ({noise.shape[1]})");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var n = noise.to_type(ScalarType.Float64);
        n = n - n.mean([0], keepdim: true);
        var l = linalg.cholesky(n.t().matmul(n) / n.shape[0]);
        var x = data.to_type(ScalarType.Float64);
        x = x - x.mean([0], keepdim: true);
        // L⁻¹ xᵀ with L Lᵀ the noise's covariance.
        return linalg.solve_triangular(l, x.t(), upper: false).t().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each particle's score on the top principal component of <paramref name="data"/> in the metric of
    /// <paramref name="noise"/> (<see cref="Whiten"/>): the direction along which the particles vary most beyond what
    /// noise gives. The sign is arbitrary.
    /// </summary>
    public static double[] TopComponent(Tensor data, Tensor noise)
    {
        using var guard = NativeCallGuard.Enter();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = Whiten(data, noise);
        var (_, _, vh) = linalg.svd(w, fullMatrices: false);
        return w.matmul(vh[0]).data<double>().ToArray();
    }
}
