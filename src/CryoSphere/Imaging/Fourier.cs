using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// Centred 2D Fourier transforms over the last two dimensions and the operations built on them:
/// F = fftshift(fft2(ifftshift(img))), so index ⌊N/2⌋ holds the zero frequency (see <see cref="ImageGrid"/>).
/// Unnormalised forward transform (F at zero frequency = sum of pixels), 1/N² on the inverse.
/// </summary>
public static class Fourier
{
    private static readonly long[] LastTwo = { -2, -1 };

    /// <summary>Centred FFT of real or complex images (…,N,N) → complex (…,N,N).</summary>
    public static Tensor Fft2Centered(Tensor images)
    {
        using var scope = NewDisposeScope();
        Tensor f = fft.fftshift(fft.fft2(fft.ifftshift(images, LastTwo), dim: LastTwo), LastTwo);
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>Inverse of <see cref="Fft2Centered"/>: complex (…,N,N) → complex (…,N,N).</summary>
    public static Tensor Ifft2Centered(Tensor spectrum)
    {
        using var scope = NewDisposeScope();
        Tensor f = fft.fftshift(fft.ifft2(fft.ifftshift(spectrum, LastTwo), dim: LastTwo), LastTwo);
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>Real part of <see cref="Ifft2Centered"/>.</summary>
    public static Tensor Ifft2CenteredReal(Tensor spectrum)
    {
        using var scope = NewDisposeScope();
        return Ifft2Centered(spectrum).real.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Downsamples images (…,N,N) to (…,n,n) by keeping the centred n×n block of the centred FFT (exact,
    /// alias-free). Scaled by (n/N)² so that each image keeps its mean pixel value (as average pooling
    /// would), not its sum. The new pixel size is apix·N/n (<see cref="ImageGrid.Resized"/>).
    /// </summary>
    public static Tensor FourierCrop(Tensor images, int nNew)
    {
        int n = CheckSquare(images);
        if (nNew < 1 || nNew > n) throw new ArgumentOutOfRangeException(nameof(nNew), $"crop size {nNew} must be in [1, {n}]");
        if (nNew == n) return images.alias();
        using var scope = NewDisposeScope();
        int start = n / 2 - nNew / 2;
        Tensor f = Fft2Centered(images).narrow(-2, start, nNew).narrow(-1, start, nNew);
        double scale = (double)nNew * nNew / ((double)n * n);
        return Ifft2CenteredReal(f).mul_(scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Upsamples images (…,N,N) to (…,n,n) by zero-padding the centred FFT (band-limited interpolation),
    /// scaled by (n/N)² so that each image keeps its mean pixel value. Inverse of <see cref="FourierCrop"/>
    /// on every frequency below the smaller Nyquist.
    /// </summary>
    public static Tensor FourierPad(Tensor images, int nNew)
    {
        int n = CheckSquare(images);
        if (nNew < n) throw new ArgumentOutOfRangeException(nameof(nNew), $"pad size {nNew} must be at least {n}");
        if (nNew == n) return images.alias();
        using var scope = NewDisposeScope();
        int start = nNew / 2 - n / 2;
        int end = nNew - n - start;
        Tensor f = Fft2Centered(images);
        Tensor real = nn.functional.pad(f.real, new long[] { start, end, start, end });
        Tensor imag = nn.functional.pad(f.imag, new long[] { start, end, start, end });
        double scale = (double)nNew * nNew / ((double)n * n);
        return Ifft2CenteredReal(complex(real, imag)).mul_(scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// exp(+2πi(kx·sx + ky·sy)) on the centred frequency grid, (B,N,N) complex, for shifts (B,2) in Å
    /// (x, y). Multiplying a spectrum by it moves the image content by −s (docs/conventions.md).
    /// </summary>
    public static Tensor PhaseRamp(Tensor shiftsA, ImageGrid grid)
    {
        if (shiftsA.dim() != 2 || shiftsA.shape[1] != 2) throw new ArgumentException("shifts must be (B,2)", nameof(shiftsA));
        using var scope = NewDisposeScope();
        var (kx, ky) = grid.FrequencyGrid(shiftsA.device, shiftsA.dtype);
        Tensor sx = shiftsA.select(1, 0).reshape(-1, 1, 1), sy = shiftsA.select(1, 1).reshape(-1, 1, 1);
        Tensor phase = (kx * sx + ky * sy) * (2 * Math.PI);
        return polar(ones_like(phase), phase).MoveToOuterDisposeScope();
    }

    /// <summary>Multiplies a centred spectrum (B,N,N) by <see cref="PhaseRamp"/>: content moves by −s.</summary>
    public static Tensor PhaseShift(Tensor spectrum, Tensor shiftsA, ImageGrid grid)
    {
        using var scope = NewDisposeScope();
        return (spectrum * PhaseRamp(shiftsA, grid)).MoveToOuterDisposeScope();
    }

    /// <summary>Real images (B,N,N) moved by −s (shifts (B,2) in Å) with a Fourier phase ramp.</summary>
    public static Tensor ShiftImages(Tensor images, Tensor shiftsA, ImageGrid grid)
    {
        using var scope = NewDisposeScope();
        return Ifft2CenteredReal(PhaseShift(Fft2Centered(images), shiftsA, grid)).MoveToOuterDisposeScope();
    }

    private static int CheckSquare(Tensor images)
    {
        if (images.dim() < 2 || images.shape[^1] != images.shape[^2])
            throw new ArgumentException("images must be (…,N,N)", nameof(images));
        return (int)images.shape[^1];
    }
}
