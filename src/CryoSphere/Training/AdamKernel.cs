using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// Adam's update of one CPU parameter in a single pass over its memory: first moment, second moment and parameter,
/// element by element in SIMD registers, instead of five libtorch kernels (mul_, add_, mul_, addcmul_, then sqrt,
/// add_ and addcdiv_ with a temporary) that each stream the whole tensor. The step is memory-bound: the encoder's
/// 4096×512 layer alone is 8 MiB per tensor, and the kit case's optimizer step went from reading and writing it some
/// fifteen times to four reads and three writes (bench/README.md, fifth round).
/// </summary>
/// <remarks>
/// The arithmetic, in the tensor's own precision, is that of <see cref="AdamStep"/>'s kernels on the gradient
/// g = ∇ + λ·θ (λ: the L2 penalty's 2β for a weight matrix whose penalty the loss left to the optimizer, else 0): m ← β₁·m + (1−β₁)·g,
/// v ← β₂·v + (1−β₂)·g·g, θ ← θ + s·(m / (√v + ε′)) with s and ε′ the folded bias corrections.
/// Only contiguous float32/float64 CPU tensors of one dtype qualify; anything else (a GPU, a strided view) goes
/// back to the libtorch kernels (<see cref="TryApply"/> returns false).
/// </remarks>
internal static class AdamKernel
{
    // Below this many elements the pass is too short for threads to pay off.
    private const long ParallelMinimum = 1L << 18;

    /// <summary>Updates <paramref name="p"/>, <paramref name="m"/> and <paramref name="v"/> in place from
    /// <paramref name="grad"/>; false (nothing changed) where the tensors do not qualify.</summary>
    public static bool TryApply(Tensor p, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double stepSize, double eps, double decay = 0)
    {
        ScalarType t = p.dtype;
        if (t != ScalarType.Float32 && t != ScalarType.Float64) return false;
        foreach (Tensor x in (ReadOnlySpan<Tensor>)[p, grad, m, v])
            if (x.device_type != DeviceType.CPU || x.dtype != t || !x.is_contiguous() || x.numel() != p.numel()) return false;
        long n = p.numel();
        if (n == 0) return true;
        if (t == ScalarType.Float32)
            Run(n, Address<float>(p), Address<float>(grad), Address<float>(m), Address<float>(v),
                (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)stepSize, (float)eps, (float)decay);
        else
            Run(n, Address<double>(p), Address<double>(grad), Address<double>(m), Address<double>(v),
                beta1, 1 - beta1, beta2, 1 - beta2, stepSize, eps, decay);
        return true;
    }

    private static nint Address<T>(Tensor x) where T : unmanaged =>
        x.storage<T>().data_ptr() + (nint)(x.storage_offset() * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());

    // The pass, split over libtorch's thread count for large tensors (one thread: one plain loop).
    private static void Run<T>(long n, nint p, nint g, nint m, nint v, T b1, T c1, T b2, T c2, T s, T eps, T decay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int threads = Math.Max(1, torch.get_num_threads());
        if (threads == 1 || n < ParallelMinimum)
        {
            Range(0, n, p, g, m, v, b1, c1, b2, c2, s, eps, decay);
            return;
        }
        // Chunks aligned to whole SIMD vectors, so only the last one has a scalar tail.
        long chunk = (n / threads + Vector<T>.Count) / Vector<T>.Count * Vector<T>.Count;
        Parallel.For(0, (int)((n + chunk - 1) / chunk), new ParallelOptions { MaxDegreeOfParallelism = threads },
            i => Range(i * chunk, Math.Min(n, (i + 1) * chunk), p, g, m, v, b1, c1, b2, c2, s, eps, decay));
    }

    private static unsafe void Range<T>(long start, long end, nint pAddr, nint gAddr, nint mAddr, nint vAddr, T b1, T c1, T b2, T c2, T s, T eps, T decay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* p = (T*)pAddr, g = (T*)gAddr, m = (T*)mAddr, v = (T*)vAddr;
        long i = start;
        int w = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var vb1 = new Vector<T>(b1);
            var vc1 = new Vector<T>(c1);
            var vb2 = new Vector<T>(b2);
            var vc2 = new Vector<T>(c2);
            var vs = new Vector<T>(s);
            var veps = new Vector<T>(eps);
            var vdecay = new Vector<T>(decay);
            for (; i + w <= end; i += w)
            {
                var pi = Vector.Load(p + i);
                var gi = Vector.Load(g + i) + vdecay * pi;
                var mi = Vector.Load(m + i) * vb1 + gi * vc1;
                var vi = Vector.Load(v + i) * vb2 + gi * gi * vc2;
                mi.Store(m + i);
                vi.Store(v + i);
                (pi + vs * (mi / (Vector.SquareRoot(vi) + veps))).Store(p + i);
            }
        }
        for (; i < end; i++)
        {
            T gi = g[i] + decay * p[i];
            T mi = m[i] * b1 + gi * c1;
            T vi = v[i] * b2 + gi * gi * c2;
            m[i] = mi;
            v[i] = vi;
            p[i] += s * (mi / (T.Sqrt(vi) + eps));
        }
    }
}
