using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>How <see cref="GaussianRenderer"/> evaluates the Gaussians.</summary>
public enum RenderMode
{
    /// <summary>Pick the faster of the two from the problem size (window width against image side).</summary>
    Auto,

    /// <summary>Separable (B,R,N) tables and one batched matmul: exact, cost ∝ B·R·N².</summary>
    Full,

    /// <summary>Each Gaussian only within ±k·σ of its atom, scatter-added: cost ∝ B·R·W², W the window width.</summary>
    Truncated,
}

/// <summary>
/// Projects isotropic 3D Gaussians (centres in Å, box-centred; width σ) along z onto the image grid:
/// I[q,p] = Σ_r A_r·exp(−(x_r − g_p)²/2σ²)·exp(−(y_r − g_q)²/2σ²), q the row (y) and p the column (x).
/// The analytic z integral (σ√(2π)) is left out: it only rescales A. Batched, differentiable in the
/// coordinates and amplitudes, on the device and dtype of the coordinates.
/// </summary>
public static class GaussianRenderer
{
    /// <summary>Default half-width of the truncated window, in σ.</summary>
    public const double DefaultTruncation = 4;

    // Exponents below this only waste time in exp (slow on very negative arguments) and add < 1e-13.
    private const double ExponentFloor = -30;

    // Elements of the (B,R,W,W) contribution tensor per chunk in truncated mode: bounds peak memory.
    private const long TruncatedChunkElements = 1L << 22;

    // Elements of each (B,R,N) table per chunk in full mode.
    private const long FullChunkElements = 1L << 20;

    /// <summary>Projection of coordinates (B,R,3) with amplitudes (R) or (B,R) → images (B,N,N).</summary>
    public static Tensor Project(Tensor coords, Tensor amplitudes, double sigma, ImageGrid grid, RenderMode mode = RenderMode.Auto)
    {
        CheckInputs(coords, amplitudes, sigma);
        return Choose(mode, sigma, grid, DefaultTruncation) == RenderMode.Full
            ? ProjectFull(coords, amplitudes, sigma, grid)
            : ProjectTruncated(coords, amplitudes, sigma, grid, DefaultTruncation);
    }

    /// <summary>
    /// Rotates then projects: Y = R·X for coordinates (R,3) shared by the batch or (B,R,3) per image,
    /// rotations (B,3,3) → images (B,N,N).
    /// </summary>
    public static Tensor RotateAndProject(Tensor coords, Tensor rotations, Tensor amplitudes, double sigma, ImageGrid grid, RenderMode mode = RenderMode.Auto)
    {
        if (rotations.dim() != 3 || rotations.shape[1] != 3 || rotations.shape[2] != 3)
            throw new ArgumentException("rotations must be (B,3,3)", nameof(rotations));
        if (coords.dim() != 2 && coords.dim() != 3) throw new ArgumentException("coordinates must be (R,3) or (B,R,3)", nameof(coords));
        using var scope = NewDisposeScope();
        // Rows are atoms, so Y = R·X becomes X·Rᵀ; (R,3) broadcasts against (B,3,3).
        Tensor y = matmul(coords, rotations.transpose(1, 2));
        return Project(y, amplitudes, sigma, grid, mode).MoveToOuterDisposeScope();
    }

    /// <summary>The mode <see cref="RenderMode.Auto"/> resolves to for this grid and σ.</summary>
    public static RenderMode Choose(RenderMode mode, double sigma, ImageGrid grid, double k = DefaultTruncation)
    {
        if (mode != RenderMode.Auto) return mode;
        long w = WindowWidth(sigma, grid.Apix, k);
        // Measured on CPU (ProjectionBench, one thread, N = 128): forward+backward costs ≈18 ns per window
        // pixel truncated and ≈0.2 ns per image pixel full (matmul-bound), per atom and image; break-even
        // near 90·W² = N². Take truncation only with a margin, since index_add is the less portable path.
        return 64L * w * w <= (long)grid.N * grid.N ? RenderMode.Truncated : RenderMode.Full;
    }

    /// <summary>Window width in pixels, W = 2⌈kσ/apix⌉ + 1.</summary>
    public static int WindowWidth(double sigma, double apix, double k = DefaultTruncation)
        => 2 * (int)Math.Ceiling(k * sigma / apix) + 1;

    /// <summary>Exact separable projection: (B,R,N) tables over columns and rows and a batched matmul, by chunks of atoms.</summary>
    public static Tensor ProjectFull(Tensor coords, Tensor amplitudes, double sigma, ImageGrid grid)
    {
        CheckInputs(coords, amplitudes, sigma);
        using var scope = NewDisposeScope();
        Tensor g = FrequencyTables.For(grid, coords.device, coords.dtype).PixelCoordinates;
        double inv2s2 = 1.0 / (2 * sigma * sigma);
        long b = coords.shape[0], r = coords.shape[1];
        if (r == 0) return zeros(new long[] { b, grid.N, grid.N }, coords.dtype, coords.device).MoveToOuterDisposeScope();
        Tensor amps = Amplitudes(amplitudes).expand(b, r);
        // Atoms in chunks: tables that stay small are much faster than one (B,R,N) table (measured).
        long chunk = Math.Max(1, FullChunkElements / Math.Max(1, b * grid.N));
        // split, not narrow per chunk: one backward concatenation instead of a full-size gradient per chunk.
        Tensor[] coordChunks = coords.split(chunk, 1), ampChunks = amps.split(chunk, 1);
        Tensor? image = null;
        for (int i = 0; i < coordChunks.Length; i++)
        {
            using var inner = NewDisposeScope();
            Tensor xyz = coordChunks[i];
            Tensor px = Table(xyz.select(-1, 0), g, inv2s2);                                   // (B,len,N) over columns
            Tensor py = Table(xyz.select(-1, 1), g, inv2s2, ampChunks[i]);                     // over rows, amplitudes in
            Tensor part = bmm(py.transpose(1, 2), px);
            Tensor next = (image is null ? part : image + part).MoveToOuterDisposeScope();
            image?.Dispose();
            image = next;
        }
        return image!.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Projection that evaluates each Gaussian only on a W×W window (W = 2⌈kσ/apix⌉ + 1) around the pixel
    /// nearest its centre and scatter-adds it into the image. Equals <see cref="ProjectFull"/> up to the
    /// tails beyond the window: every pixel within k·σ of an atom is covered, so the error is below
    /// exp(−k²/2) of a Gaussian's peak (3e-4 at k = 4, 4e-6 at k = 5).
    /// </summary>
    public static Tensor ProjectTruncated(Tensor coords, Tensor amplitudes, double sigma, ImageGrid grid, double k = DefaultTruncation)
    {
        CheckInputs(coords, amplitudes, sigma);
        if (!(k > 0)) throw new ArgumentOutOfRangeException(nameof(k), "truncation must be positive");
        using var scope = NewDisposeScope();
        long b = coords.shape[0], r = coords.shape[1];
        int n = grid.N, w = WindowWidth(sigma, grid.Apix, k), h = w / 2;
        long pixels = b * n * n;
        Device device = coords.device;
        Tensor amps = Amplitudes(amplitudes).expand(b, r);
        Tensor offsets = arange(-h, h + 1, 1, ScalarType.Int64, device);
        Tensor batchBase = (arange(0, b, 1, ScalarType.Int64, device) * (long)(n * n)).reshape(b, 1, 1, 1);
        double inv2s2 = 1.0 / (2 * sigma * sigma);
        long chunk = Math.Max(1, TruncatedChunkElements / Math.Max(1, b * w * w));

        Tensor image = zeros(pixels + 1, coords.dtype, device);   // last slot swallows off-image pixels
        Tensor[] coordChunks = coords.split(chunk, 1), ampChunks = amps.split(chunk, 1);
        for (int i = 0; i < coordChunks.Length; i++)
        {
            using var inner = NewDisposeScope();
            Tensor xyz = coordChunks[i];
            var (wx, ix, okx) = Window(xyz.select(-1, 0), offsets, grid, inv2s2);
            var (wy, iy, oky) = Window(xyz.select(-1, 1), offsets, grid, inv2s2);
            wy = wy * ampChunks[i].unsqueeze(-1);
            Tensor values = (wy.unsqueeze(-1) * wx.unsqueeze(-2)).reshape(-1);   // (B,len,W[y],W[x])
            Tensor index = batchBase + iy.unsqueeze(-1) * n + ix.unsqueeze(-2);
            Tensor ok = okx.unsqueeze(-2).logical_and(oky.unsqueeze(-1));
            index = where(ok, index, full_like(index, pixels)).reshape(-1);
            Tensor next = image.index_add(0, index, values, 1).MoveToOuterDisposeScope();
            image.Dispose();
            image = next;
        }
        return image.narrow(0, 0, pixels).reshape(b, n, n).MoveToOuterDisposeScope();
    }

    private static (Tensor Values, Tensor Index, Tensor Valid) Window(Tensor x, Tensor offsets, ImageGrid grid, double inv2s2)
    {
        // Nearest pixel of each centre; the window's position is piecewise constant, so no gradient through it.
        Tensor centre = (x.detach() / grid.Apix).round().nan_to_num(0).clamp(-1e9, 1e9).to_type(ScalarType.Int64) + grid.Center;
        Tensor index = centre.unsqueeze(-1) + offsets;                               // (B,R,W)
        Tensor valid = index.ge(0).logical_and(index.lt(grid.N));
        Tensor g = (index - grid.Center).to_type(x.dtype) * grid.Apix;
        Tensor d = x.unsqueeze(-1) - g;
        Tensor values = d.square().mul_(Scalars.Of(-inv2s2)).clamp_min(Scalars.Of(ExponentFloor)).exp();
        return (values, index.clamp(0, grid.N - 1), valid);
    }

    /// <summary>The Gaussian table of every renderer (projections here, maps in <see cref="VolumeRenderer"/>): values and, for
    /// differentiable x, the hand-written backward.</summary>
    internal static Tensor Table(Tensor x, Tensor g, double inv2s2) => Table(x, g, inv2s2, null);

    /// <summary>The table times a per-row <paramref name="amplitude"/> (shape of x, or null): on the CPU in one pass
    /// (<see cref="GaussianTableKernel"/>, the amplitude folded in unless it needs a gradient), else libtorch's ops.</summary>
    internal static Tensor Table(Tensor x, Tensor g, double inv2s2, Tensor? amplitude)
    {
        bool kernel = GaussianTableKernel.Applies(x, g);
        if (kernel && (amplitude is null || !amplitude.requires_grad))
            return x.requires_grad
                ? (amplitude is null ? FusedGaussianTable.apply(x, g, inv2s2) : FusedGaussianTable.apply(x, g, inv2s2, amplitude))
                : GaussianTableKernel.Forward(x, g, inv2s2, ExponentFloor, amplitude);
        // An amplitude that needs a gradient is multiplied in by libtorch, after the table alone.
        Tensor t = kernel ? Table(x, g, inv2s2, null)
            : x.requires_grad ? GaussianTable.apply(x, g, inv2s2) : TableValues(x, g, inv2s2);
        return amplitude is null ? t : t * amplitude.unsqueeze(-1);
    }

    /// <summary>T = exp(max(−(x − g)²/2σ², floor)), (…) × (N) → (…,N).</summary>
    internal static Tensor TableValues(Tensor x, Tensor g, double inv2s2)
    {
        Tensor d = x.unsqueeze(-1) - g;
        // Cached Scalars (σ is fixed in a run): no native Scalar per call left to the finalizer.
        return d.mul_(d).mul_(Scalars.Of(-inv2s2)).clamp_min_(Scalars.Of(ExponentFloor)).exp_();
    }

    /// <summary>
    /// The Gaussian table with a hand-written backward: ∂L/∂x = −2/(2σ²)·Σ_p (∂L/∂T·T)_p·(x − g_p), one product
    /// and one fused reduction, instead of autograd's chain through exp, clamp, scale, square and the broadcast
    /// difference (five full-size passes and as many temporaries). Entries at the exponent floor (beyond ~11σ)
    /// get the gradient of the unclamped Gaussian there, below 1e-12 of the peak.
    /// </summary>
    private sealed class GaussianTable : torch.autograd.SingleTensorFunction<GaussianTable>
    {
        public override string Name => "GaussianTable";

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            Tensor x = (Tensor)vars[0], g = (Tensor)vars[1];
            double inv2s2 = (double)vars[2];
            Tensor t = TableValues(x, g, inv2s2);
            ctx.save_for_backward([x, g, t]);
            ctx.save_data("inv2s2", inv2s2);
            return t;
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var saved = ctx.get_saved_variables();
            Tensor x = saved[0], g = saved[1], t = saved[2];
            double inv2s2 = (double)ctx.get_data("inv2s2");
            // Σ_p G_p·T_p·(x − g_p), with the difference formed per element (no x·ΣGT − ΣGT·g cancellation).
            // In place on the fresh, contiguous d (gradOutput often arrives transposed from the matmul's backward),
            // so that the reduction runs over contiguous rows.
            Tensor d = x.unsqueeze(-1) - g;
            Tensor grad = d.mul_(t).mul_(gradOutput).sum(-1).mul_(Scalars.Of(-2 * inv2s2));
            return [grad, null!, null!];
        }
    }

    /// <summary><see cref="GaussianTable"/> by <see cref="GaussianTableKernel"/>: one pass each way, optional constant amplitude.</summary>
    private sealed class FusedGaussianTable : torch.autograd.SingleTensorFunction<FusedGaussianTable>
    {
        public override string Name => "FusedGaussianTable";

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            Tensor x = (Tensor)vars[0], g = (Tensor)vars[1];
            double inv2s2 = (double)vars[2];
            Tensor t = GaussianTableKernel.Forward(x, g, inv2s2, ExponentFloor, vars.Length > 3 ? (Tensor)vars[3] : null);
            ctx.save_for_backward([x, g, t]);
            ctx.save_data("inv2s2", inv2s2);
            ctx.save_data("inputs", vars.Length);
            return t;
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var saved = ctx.get_saved_variables();
            Tensor grad = GaussianTableKernel.Backward(saved[0], saved[1], saved[2], gradOutput, (double)ctx.get_data("inv2s2"));
            var result = new List<Tensor> { grad };
            for (int i = 1; i < (int)ctx.get_data("inputs"); i++) result.Add(null!);
            return result;
        }
    }

    private static Tensor Amplitudes(Tensor amplitudes) => amplitudes.dim() == 1 ? amplitudes.unsqueeze(0) : amplitudes;

    private static void CheckInputs(Tensor coords, Tensor amplitudes, double sigma)
    {
        if (coords.dim() != 3 || coords.shape[2] != 3) throw new ArgumentException("coordinates must be (B,R,3)", nameof(coords));
        long r = coords.shape[1];
        bool ampOk = (amplitudes.dim() == 1 && amplitudes.shape[0] == r)
            || (amplitudes.dim() == 2 && amplitudes.shape[1] == r && (amplitudes.shape[0] == coords.shape[0] || amplitudes.shape[0] == 1));
        if (!ampOk) throw new ArgumentException($"amplitudes must be ({r}) or (B,{r})", nameof(amplitudes));
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), "sigma must be positive");
    }
}
