using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// The top K principal components of a data matrix (M rows × D columns) by randomised subspace iteration (Halko,
/// Martinsson &amp; Tropp 2011, algorithm 4.4): a few passes of M·D·(K + 10) operations instead of a full SVD's
/// M·D², which for a complex's forces (D = 3R ≈ 10⁴) would take minutes. Deterministic: the random start takes a seed.
/// </summary>
public static class PrincipalSubspace
{
    private const int Oversampling = 10;
    private const int PowerIterations = 4;

    /// <summary>Mean (D), components (K × D, orthonormal rows, largest variance first) and each projection's standard deviation (K).</summary>
    public static (Tensor Mean, Tensor Components, Tensor Spread) Fit(Tensor data, int k, long seed)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long m = data.shape[0], d = data.shape[1];
        if (k < 1 || k > Math.Min(m, d)) throw new ArgumentOutOfRangeException(nameof(k), $"{k} components of a {m} × {d} matrix");
        var x = data.to_type(ScalarType.Float64);
        var mean = x.mean([0]);
        var xc = x - mean;
        int l = (int)Math.Min(k + Oversampling, Math.Min(m, d));
        using var gen = new Generator((ulong)seed, x.device);
        var q = linalg.qr(xc.matmul(randn([d, l], ScalarType.Float64, x.device, generator: gen))).Q;
        // Power iterations sharpen the subspace where the spectrum decays slowly (forces: mostly noise, a few directions above it).
        for (int i = 0; i < PowerIterations; i++)
        {
            var z = linalg.qr(xc.t().matmul(q)).Q;
            q = linalg.qr(xc.matmul(z)).Q;
        }
        var (_, sv, vh) = linalg.svd(q.t().matmul(xc), fullMatrices: false);
        var components = vh.narrow(0, 0, k);
        // A sign per component that does not depend on the random start: its largest entry positive.
        var at = components.abs().argmax(1, keepdim: true);
        components = components * components.gather(1, at).sign();
        var spread = sv.narrow(0, 0, k) / Math.Sqrt(Math.Max(1, m - 1));
        var dt = data.dtype;
        return (mean.to_type(dt).MoveToOuterDisposeScope(), components.to_type(dt).contiguous().MoveToOuterDisposeScope(),
            spread.to_type(dt).MoveToOuterDisposeScope());
    }
}
