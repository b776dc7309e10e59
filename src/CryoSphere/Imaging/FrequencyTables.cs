using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// Grid-dependent tables the per-step optics need, made once per (grid, device, dtype) and kept for the
/// process: frequencies and the CTF's frequency basis on rfft2's half spectrum, so that a step computes neither
/// atan2 nor the grid again, and transforms half the spectrum (measured: 64 images of 64 px, rfft2 + filter +
/// irfft2, forward + backward, 2.5 ms against 3.9 ms for the full fft2/ifft2 pair).
/// </summary>
/// <remarks>
/// The tables are "extended": rows ky in FFT order, columns kx = 0…⌊N/2⌋, and for even N one more row (ky = +N/2)
/// and column (kx = −N/2), the Nyquist aliases. real(ifft2) of a full spectrum keeps, at each Nyquist frequency, the
/// average of a filter over its two aliases (a shift's phase ramp and an astigmatic CTF differ there), while irfft2
/// reads the stored value as it is; a filter is therefore built on the extended tables and <see cref="Fold"/>ed to the
/// half spectrum, after which irfft2 gives what real(ifft2) of the full spectrum gave.
/// </remarks>
public sealed class FrequencyTables
{
    private static readonly object Gate = new();
    private static readonly Dictionary<(int, double, string, ScalarType), FrequencyTables> Cache = [];

    private FrequencyTables(ImageGrid grid, Device device, ScalarType dtype)
    {
        Grid = grid;
        using var scope = NewDisposeScope();
        Tensor k = fft.ifftshift(grid.Frequencies(device, ScalarType.Float64));           // (N), FFT order
        int n = grid.N, h = n / 2;
        bool even = n % 2 == 0;
        double nyquist = h * grid.FrequencyStep;
        // Rows: FFT order, then +N/2; columns: 0…⌊N/2⌋ (the last +N/2 when even), then −N/2.
        Tensor kyExt = even ? cat([k, tensor(new[] { nyquist }, ScalarType.Float64, device)]) : k;
        Tensor kxHalf = k.narrow(0, 0, h + 1).abs();
        Tensor kxExt = even ? cat([kxHalf, tensor(new[] { -nyquist }, ScalarType.Float64, device)]) : kxHalf;
        Tensor kx = kxExt.unsqueeze(0).expand(kyExt.shape[0], -1), ky = kyExt.unsqueeze(1).expand(-1, kxExt.shape[0]);
        Tensor s2 = kx * kx + ky * ky;
        // γ = c0·s² + c1·(kx² − ky²) + c2·(2·kx·ky) + c3·s⁴ + c4 (see Ctf.Coefficients): s²·cos 2α = kx² − ky²,
        // s²·sin 2α = 2·kx·ky, so no angle is needed.
        CtfBasis = stack([s2, kx * kx - ky * ky, 2 * kx * ky, s2 * s2], -1).reshape(-1, 4).to_type(dtype).DetachFromDisposeScope();
        S2 = s2.to_type(dtype).contiguous().DetachFromDisposeScope();
        // 2π·k, for phase ramps: a shift s (Å) is the phase 2π(kx·sx + ky·sy).
        TwoPiKx = (kxExt * (2 * Math.PI)).to_type(dtype).DetachFromDisposeScope();
        TwoPiKy = (kyExt * (2 * Math.PI)).to_type(dtype).DetachFromDisposeScope();
        PixelCoordinates = grid.Coordinates(device, dtype).DetachFromDisposeScope();
    }

    public ImageGrid Grid { get; }

    /// <summary>Rows and columns of the extended half-spectrum tables (see remarks).</summary>
    public (int Rows, int Columns) Extended => ((int)TwoPiKy.shape[0], (int)TwoPiKx.shape[0]);

    /// <summary>(rows·columns, 4) of the extended tables: s², kx² − ky², 2·kx·ky, s⁴ per pixel, row-major.</summary>
    public Tensor CtfBasis { get; }

    /// <summary>s² on the extended tables.</summary>
    public Tensor S2 { get; }

    /// <summary>2π·kx of the extended tables' columns.</summary>
    public Tensor TwoPiKx { get; }

    /// <summary>2π·ky of the extended tables' rows.</summary>
    public Tensor TwoPiKy { get; }

    /// <summary>Pixel coordinates (N) in Å (<see cref="ImageGrid.Coordinates"/>).</summary>
    public Tensor PixelCoordinates { get; }

    /// <summary>The tables of this grid on this device and dtype (made on first use, then shared).</summary>
    public static FrequencyTables For(ImageGrid grid, Device device, ScalarType dtype)
    {
        var key = (grid.N, grid.Apix, device.ToString(), dtype);
        lock (Gate)
        {
            if (!Cache.TryGetValue(key, out var t)) Cache[key] = t = new FrequencyTables(grid, device, dtype);
            return t;
        }
    }

    /// <summary>
    /// The phase ramp exp(+2πi(kx·sx + ky·sy)) for shifts (B,2) in Å as real and imaginary parts on the extended
    /// tables (B, rows, columns), built from separable factors (cos and sin of about 1.5·B·N phases). No gradient.
    /// </summary>
    public (Tensor Re, Tensor Im) PhaseRamp(Tensor shiftsA)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor s = shiftsA.to_type(TwoPiKy.dtype);
        Tensor px = s.select(1, 0).unsqueeze(-1) * TwoPiKx;                                // (B,columns)
        Tensor py = s.select(1, 1).unsqueeze(-1) * TwoPiKy;                                // (B,rows)
        Tensor cx = px.cos().unsqueeze(1), sx = px.sin().unsqueeze(1);                    // (B,1,columns)
        Tensor cy = py.cos().unsqueeze(2), sy = py.sin().unsqueeze(2);                    // (B,rows,1)
        Tensor re = cy * cx - sy * sx, im = sy * cx + cy * sx;
        return (re.MoveToOuterDisposeScope(), im.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// A radially symmetric filter (N,N) on the centred grid (e.g. <see cref="LowPass.Filter"/>) → (N, ⌊N/2⌋+1) on
    /// rfft2's half spectrum: ifftshifted, its first ⌊N/2⌋+1 columns (its Nyquist aliases agree, so no fold is needed).
    /// </summary>
    public Tensor HalfOfRadial(Tensor centred) =>
        fft.ifftshift(centred).narrow(1, 0, Grid.N / 2 + 1).contiguous();

    /// <summary>
    /// A filter (…, rows, columns) on the extended tables → (…, N, ⌊N/2⌋+1) on rfft2's half spectrum: for even N each
    /// Nyquist row/column entry becomes the mean of its two aliases (ky = ±N/2, kx = ±N/2) and the corner the mean of
    /// (−N/2, −N/2) and (+N/2, +N/2), what real(ifft2) of the full spectrum keeps there (see remarks). Odd N: as is.
    /// </summary>
    public Tensor Fold(Tensor filter)
    {
        int n = Grid.N, h = n / 2;
        if (n % 2 == 1) return filter;
        using var scope = NewDisposeScope();
        Tensor half = filter.narrow(-2, 0, n).narrow(-1, 0, h + 1).clone();
        Tensor rowNeg = filter.select(-2, h), rowPos = filter.select(-2, n);               // (…, columns)
        Tensor colPos = filter.select(-1, h), colNeg = filter.select(-1, h + 1);           // (…, rows)
        Tensor corner = (rowNeg.select(-1, h + 1) + rowPos.select(-1, h)).mul(Scalars.Of(0.5));
        half.select(-2, h).copy_(((rowNeg + rowPos).mul(Scalars.Of(0.5))).narrow(-1, 0, h + 1));
        half.select(-1, h).copy_(((colPos + colNeg).mul(Scalars.Of(0.5))).narrow(-1, 0, n));
        half.select(-2, h).select(-1, h).copy_(corner);
        return half.MoveToOuterDisposeScope();
    }
}
