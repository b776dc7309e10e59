using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Simulation;

/// <summary>Least-squares rigid superposition (Kabsch) of matched point sets, and RMSD.</summary>
public static class Superposition
{
    /// <summary>Moves <paramref name="mobile"/> (3 per point) onto <paramref name="target"/>; returns the moved copy.</summary>
    public static float[] Fit(float[] mobile, float[] target)
    {
        if (mobile.Length != target.Length || mobile.Length < 9) throw new ArgumentException("need ≥ 3 matched points");
        using var guard = NativeCallGuard.Enter();
        using var scope = NewDisposeScope();
        int n = mobile.Length / 3;
        var m = tensor(mobile.Select(x => (double)x).ToArray(), [n, 3]);
        var t = tensor(target.Select(x => (double)x).ToArray(), [n, 3]);
        var cm = m.mean([0], keepdim: true);
        var ct = t.mean([0], keepdim: true);
        var h = (m - cm).T.matmul(t - ct);
        var (u, _, vh) = linalg.svd(h);
        var v = vh.T;
        double d = Math.Sign(linalg.det(v.matmul(u.T)).ToDouble());
        if (d == 0) d = 1;
        var fix = diag(tensor(new double[] { 1, 1, d }));
        var r = v.matmul(fix).matmul(u.T);
        var moved = (m - cm).matmul(r.T) + ct;
        return moved.to_type(ScalarType.Float32).data<float>().ToArray();
    }

    /// <summary>Root-mean-square distance between matched point sets (no fitting).</summary>
    public static double Rmsd(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; s += d * d; }
        return Math.Sqrt(s / (a.Length / 3));
    }
}
