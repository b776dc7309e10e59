using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// Renders a structure's Gaussians on an N³ grid with the same spacing and centre as <see cref="ImageGrid"/>:
/// V[z,y,x] = Σ_r A_r·exp(−|X_r − g|²/2σ²). Output indexed (z,y,x), so its flattening has x fastest (MRC order).
/// </summary>
public static class VolumeRenderer
{
    // Bounds the (chunk, N, N) intermediate of the separable sum.
    private const long ChunkElements = 1L << 24;

    /// <summary>Coordinates (R,3) in Å and amplitudes (R) → volume (N,N,N) on their device and dtype.</summary>
    public static Tensor Render(Tensor coords, Tensor amplitudes, double sigma, ImageGrid grid)
    {
        if (coords.dim() != 2 || coords.shape[1] != 3) throw new ArgumentException("coordinates must be (R,3)", nameof(coords));
        if (amplitudes.dim() != 1 || amplitudes.shape[0] != coords.shape[0]) throw new ArgumentException("amplitudes must be (R)", nameof(amplitudes));
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), "sigma must be positive");
        using var scope = NewDisposeScope();
        int n = grid.N;
        long r = coords.shape[0];
        Tensor g = grid.Coordinates(coords.device, coords.dtype);
        double inv2s2 = 1.0 / (2 * sigma * sigma);
        Tensor volume = zeros(new long[] { n, n * n }, coords.dtype, coords.device);
        long chunk = Math.Max(1, ChunkElements / ((long)n * n));
        for (long start = 0; start < r; start += chunk)
        {
            using var inner = NewDisposeScope();
            long len = Math.Min(chunk, r - start);
            Tensor xyz = coords.narrow(0, start, len);
            Tensor px = GaussianRenderer.Table(xyz.select(1, 0), g, inv2s2);
            Tensor py = GaussianRenderer.Table(xyz.select(1, 1), g, inv2s2);
            Tensor pz = GaussianRenderer.Table(xyz.select(1, 2), g, inv2s2) * amplitudes.narrow(0, start, len).unsqueeze(1);
            // (z, y·x) = Pzᵀ·(Py ⊗ Px): one matmul over the atoms of this chunk.
            Tensor yx = (py.unsqueeze(2) * px.unsqueeze(1)).reshape(len, (long)n * n);
            volume.add_(pz.t().matmul(yx));
        }
        return volume.reshape(n, n, n).MoveToOuterDisposeScope();
    }

    /// <summary>As <see cref="Render"/>, copied out as float32 with x fastest (ready for an MRC file).</summary>
    public static float[] RenderToArray(Tensor coords, Tensor amplitudes, double sigma, ImageGrid grid)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor v = Render(coords, amplitudes, sigma, grid).to(ScalarType.Float32, CPU).contiguous();
        return v.data<float>().ToArray();
    }
}
