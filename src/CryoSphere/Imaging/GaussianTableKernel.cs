using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// The Gaussian table of <see cref="GaussianRenderer"/> on the CPU in one pass per direction:
/// T[i,p] = a_i·exp(max(−(x_i − g_p)²/2σ², floor)) written straight into the output, and its gradient
/// ∂L/∂x_i = −2/(2σ²)·Σ_p G[i,p]·T[i,p]·(x_i − g_p) in one read of G and T. libtorch needed five passes over the
/// (B,R,N) table forward (difference, square, scale, clamp, exp), one more for the amplitudes and four backward:
/// at 64 px, 428 residues and batch 64 each pass streams 7 MB (bench/README.md, fifth round).
/// </summary>
/// <remarks>
/// Rows i are the flattened leading dimensions of x. The amplitude a (one per row, optional) is folded into the
/// table only where it needs no gradient (the training's per-residue constants); the gradient formula holds with it
/// since a only scales T. Contiguous float32/float64 CPU tensors only: <see cref="Applies"/> says when.
/// </remarks>
internal static class GaussianTableKernel
{
    // Rows per parallel work item when libtorch runs several threads.
    private const int RowsPerTask = 256;

    /// <summary>Whether the single-pass kernel can take this table (else the libtorch ops do).</summary>
    public static bool Applies(Tensor x, Tensor g) =>
        x.device_type == DeviceType.CPU && g.device_type == DeviceType.CPU && x.dtype == g.dtype
        && (x.dtype == ScalarType.Float32 || x.dtype == ScalarType.Float64) && g.dim() == 1;

    /// <summary>T (…, N) for x (…) and grid g (N); <paramref name="amplitude"/> (shape of x) scales each row, or null.</summary>
    public static Tensor Forward(Tensor x, Tensor g, double inv2s2, double floor, Tensor? amplitude)
    {
        using var noGrad = no_grad();
        Tensor xc = x.detach().contiguous(), gc = g.contiguous();
        Tensor? ac = amplitude?.detach().expand(x.shape).contiguous();
        long rows = xc.numel(), n = gc.numel();
        Tensor t = empty([.. x.shape, n], x.dtype, x.device);
        if (rows == 0 || n == 0) return t;
        nint px = Address(xc), pg = Address(gc), pt = Address(t), pa = ac is null ? 0 : Address(ac);
        bool single = x.dtype == ScalarType.Float32;
        ForRows(rows, (start, end) =>
        {
            if (single) ForwardRows(start, end, n, px, pg, pa, pt, (float)inv2s2, (float)floor);
            else ForwardRowsF64(start, end, n, px, pg, pa, pt, inv2s2, floor);
        });
        return t;
    }

    /// <summary>∂L/∂x (shape of x) from the upstream gradient <paramref name="gradT"/> (shape of T) and the saved T.</summary>
    public static Tensor Backward(Tensor x, Tensor g, Tensor t, Tensor gradT, double inv2s2)
    {
        using var noGrad = no_grad();
        Tensor xc = x.detach().contiguous(), gc = g.contiguous(), tc = t.contiguous(), gt = gradT.contiguous();
        long rows = xc.numel(), n = gc.numel();
        Tensor grad = empty(x.shape, x.dtype, x.device);
        if (rows == 0) return grad;
        nint px = Address(xc), pg = Address(gc), ptt = Address(tc), pgt = Address(gt), pout = Address(grad);
        bool single = x.dtype == ScalarType.Float32;
        ForRows(rows, (start, end) =>
        {
            if (single) BackwardRows(start, end, n, px, pg, ptt, pgt, pout, (float)(-2 * inv2s2));
            else BackwardRowsF64(start, end, n, px, pg, ptt, pgt, pout, -2 * inv2s2);
        });
        return grad;
    }

    private static unsafe nint Address(Tensor x) => x.dtype == ScalarType.Float32
        ? x.storage<float>().data_ptr() + (nint)(x.storage_offset() * sizeof(float))
        : x.storage<double>().data_ptr() + (nint)(x.storage_offset() * sizeof(double));

    private static void ForRows(long rows, Action<long, long> body)
    {
        int threads = Math.Max(1, torch.get_num_threads());
        if (threads == 1 || rows <= RowsPerTask) { body(0, rows); return; }
        Parallel.For(0, (int)((rows + RowsPerTask - 1) / RowsPerTask), new ParallelOptions { MaxDegreeOfParallelism = threads },
            i => body(i * (long)RowsPerTask, Math.Min(rows, (i + 1) * (long)RowsPerTask)));
    }

    private static unsafe void ForwardRows(long start, long end, long n, nint xAddr, nint gAddr, nint aAddr, nint tAddr, float inv2s2, float floor)
    {
        float* x = (float*)xAddr, g = (float*)gAddr, a = (float*)aAddr, t = (float*)tAddr;
        int w = Vector<float>.Count;
        var scale = new Vector<float>(-inv2s2);
        var vfloor = new Vector<float>(floor);
        for (long i = start; i < end; i++)
        {
            float xi = x[i], ai = a == null ? 1f : a[i];
            var vx = new Vector<float>(xi);
            var va = new Vector<float>(ai);
            float* row = t + i * n;
            long p = 0;
            for (; p + w <= n; p += w)
            {
                var d = vx - Vector.Load(g + p);
                (Vector.Exp(Vector.Max(d * d * scale, vfloor)) * va).Store(row + p);
            }
            for (; p < n; p++)
            {
                float d = xi - g[p];
                row[p] = MathF.Exp(MathF.Max(d * d * -inv2s2, floor)) * ai;
            }
        }
    }

    private static unsafe void ForwardRowsF64(long start, long end, long n, nint xAddr, nint gAddr, nint aAddr, nint tAddr, double inv2s2, double floor)
    {
        double* x = (double*)xAddr, g = (double*)gAddr, a = (double*)aAddr, t = (double*)tAddr;
        for (long i = start; i < end; i++)
        {
            double xi = x[i], ai = a == null ? 1 : a[i];
            double* row = t + i * n;
            for (long p = 0; p < n; p++)
            {
                double d = xi - g[p];
                row[p] = Math.Exp(Math.Max(d * d * -inv2s2, floor)) * ai;
            }
        }
    }

    private static unsafe void BackwardRows(long start, long end, long n, nint xAddr, nint gAddr, nint tAddr, nint gtAddr, nint outAddr, float factor)
    {
        float* x = (float*)xAddr, g = (float*)gAddr, t = (float*)tAddr, gt = (float*)gtAddr, o = (float*)outAddr;
        int w = Vector<float>.Count;
        for (long i = start; i < end; i++)
        {
            float xi = x[i];
            var vx = new Vector<float>(xi);
            float* trow = t + i * n, grow = gt + i * n;
            var acc = Vector<float>.Zero;
            long p = 0;
            for (; p + w <= n; p += w)
                acc += (vx - Vector.Load(g + p)) * Vector.Load(trow + p) * Vector.Load(grow + p);
            float sum = Vector.Sum(acc);
            for (; p < n; p++) sum += (xi - g[p]) * trow[p] * grow[p];
            o[i] = sum * factor;
        }
    }

    private static unsafe void BackwardRowsF64(long start, long end, long n, nint xAddr, nint gAddr, nint tAddr, nint gtAddr, nint outAddr, double factor)
    {
        double* x = (double*)xAddr, g = (double*)gAddr, t = (double*)tAddr, gt = (double*)gtAddr, o = (double*)outAddr;
        for (long i = start; i < end; i++)
        {
            double xi = x[i], sum = 0;
            double* trow = t + i * n, grow = gt + i * n;
            for (long p = 0; p < n; p++) sum += (xi - g[p]) * trow[p] * grow[p];
            o[i] = sum * factor;
        }
    }
}
