using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// Grid-dependent tables the per-step optics need, made once per (grid, device, dtype) and kept for the
/// process: frequencies in FFT (unshifted) order and the CTF's frequency basis, so that a step computes
/// neither atan2 nor the grid again. Filters built on these apply to plain fft2 output (a filter on the
/// centred grid acts on unshifted FFTs once itself ifftshifted, since filtering commutes with circular shifts).
/// </summary>
public sealed class FrequencyTables
{
    private static readonly object Gate = new();
    private static readonly Dictionary<(int, double, string, ScalarType), FrequencyTables> Cache = [];

    private FrequencyTables(ImageGrid grid, Device device, ScalarType dtype)
    {
        Grid = grid;
        using var scope = NewDisposeScope();
        Tensor k = fft.ifftshift(grid.Frequencies(device, ScalarType.Float64));           // (N), FFT order
        Tensor kx = k.unsqueeze(0).expand(grid.N, grid.N), ky = k.unsqueeze(1).expand(grid.N, grid.N);
        Tensor s2 = kx * kx + ky * ky;
        // γ = c0·s² + c1·(kx² − ky²) + c2·(2·kx·ky) + c3·s⁴ + c4 (see Ctf.Coefficients): s²·cos 2α = kx² − ky²,
        // s²·sin 2α = 2·kx·ky, so no angle is needed.
        CtfBasis = stack([s2, kx * kx - ky * ky, 2 * kx * ky, s2 * s2], -1).reshape(-1, 4).to_type(dtype).DetachFromDisposeScope();
        S2 = s2.to_type(dtype).contiguous().DetachFromDisposeScope();
        // 2π·k, for phase ramps: a shift s (Å) is the phase 2π(kx·sx + ky·sy).
        TwoPiK = (k * (2 * Math.PI)).to_type(dtype).DetachFromDisposeScope();
        PixelCoordinates = grid.Coordinates(device, dtype).DetachFromDisposeScope();
    }

    public ImageGrid Grid { get; }

    /// <summary>(N²,4): s², kx² − ky², 2·kx·ky, s⁴ per pixel, row-major, FFT order.</summary>
    public Tensor CtfBasis { get; }

    /// <summary>s² (N,N), FFT order.</summary>
    public Tensor S2 { get; }

    /// <summary>2π·k (N), FFT order: along columns for x, along rows for y.</summary>
    public Tensor TwoPiK { get; }

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
    /// The phase ramp exp(+2πi(kx·sx + ky·sy)) for shifts (B,2) in Å as real and imaginary parts (B,N,N), FFT
    /// order, built from separable factors (cos and sin of 2·B·N phases instead of B·N²). No gradient.
    /// </summary>
    public (Tensor Re, Tensor Im) PhaseRamp(Tensor shiftsA)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor s = shiftsA.to_type(TwoPiK.dtype);
        Tensor px = s.select(1, 0).unsqueeze(-1) * TwoPiK;                                 // (B,N) along columns
        Tensor py = s.select(1, 1).unsqueeze(-1) * TwoPiK;                                 // (B,N) along rows
        Tensor cx = px.cos().unsqueeze(1), sx = px.sin().unsqueeze(1);                    // (B,1,N)
        Tensor cy = py.cos().unsqueeze(2), sy = py.sin().unsqueeze(2);                    // (B,N,1)
        Tensor re = cy * cx - sy * sx, im = sy * cx + cy * sx;
        return (re.MoveToOuterDisposeScope(), im.MoveToOuterDisposeScope());
    }
}
