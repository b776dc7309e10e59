using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// The square image grid of side N and pixel size apix (Å): pixel p sits at (p − ⌊N/2⌋)·apix, x along
/// columns and y along rows; in the centred FFT index ⌊N/2⌋ is the zero frequency and frequency index m
/// is (m − ⌊N/2⌋)/(N·apix) in 1/Å. Tensors are created on the device and dtype asked for.
/// </summary>
public sealed class ImageGrid
{
    public ImageGrid(int n, double apix)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "image side must be positive");
        if (!(apix > 0) || double.IsInfinity(apix)) throw new ArgumentOutOfRangeException(nameof(apix), "pixel size must be positive");
        N = n;
        Apix = apix;
    }

    /// <summary>Image side in pixels.</summary>
    public int N { get; }

    /// <summary>Pixel size in Å.</summary>
    public double Apix { get; }

    /// <summary>Index of the centre pixel and of the zero frequency: ⌊N/2⌋.</summary>
    public int Center => N / 2;

    /// <summary>Spacing of the frequency grid, 1/(N·apix) in 1/Å.</summary>
    public double FrequencyStep => 1.0 / (N * Apix);

    /// <summary>Nyquist frequency 1/(2·apix) in 1/Å.</summary>
    public double Nyquist => 0.5 / Apix;

    /// <summary>Pixel coordinates (p − ⌊N/2⌋)·apix in Å, shape (N).</summary>
    public Tensor Coordinates(Device device, ScalarType dtype = ScalarType.Float32)
        => (arange(0, N, 1, ScalarType.Float64, device) - Center).mul_(Apix).to_type(dtype);

    /// <summary>Centred frequencies (m − ⌊N/2⌋)/(N·apix) in 1/Å, shape (N).</summary>
    public Tensor Frequencies(Device device, ScalarType dtype = ScalarType.Float32)
        => (arange(0, N, 1, ScalarType.Float64, device) - Center).mul_(FrequencyStep).to_type(dtype);

    /// <summary>Centred frequency grid: kx (N,N) varies along columns, ky (N,N) along rows, in 1/Å.</summary>
    public (Tensor Kx, Tensor Ky) FrequencyGrid(Device device, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        Tensor k = Frequencies(device, dtype);
        Tensor kx = k.unsqueeze(0).expand(N, N).contiguous();
        Tensor ky = k.unsqueeze(1).expand(N, N).contiguous();
        return (kx.MoveToOuterDisposeScope(), ky.MoveToOuterDisposeScope());
    }

    /// <summary>s² = kx² + ky² on the centred grid, (N,N), in 1/Å².</summary>
    public Tensor FrequencySquared(Device device, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var (kx, ky) = FrequencyGrid(device, dtype);
        return (kx * kx + ky * ky).MoveToOuterDisposeScope();
    }

    /// <summary>α = atan2(ky, kx) on the centred grid, (N,N), in radians.</summary>
    public Tensor FrequencyAngle(Device device, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var (kx, ky) = FrequencyGrid(device, dtype);
        return atan2(ky, kx).MoveToOuterDisposeScope();
    }

    /// <summary>The grid after Fourier cropping or padding to <paramref name="n"/> pixels: apix·N/n.</summary>
    public ImageGrid Resized(int n) => new(n, Apix * N / n);
}
