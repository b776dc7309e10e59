using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// Low-pass filtering at a resolution in Å through the centred FFT: frequencies |k| ≤ 1/resolution pass.
/// With a cosine edge of width e Fourier pixels, the filter falls from 1 at 1/resolution − e/2 steps to 0 at
/// 1/resolution + e/2 steps (one step = 1/(N·apix)), so it is ½ exactly at the resolution.
/// </summary>
public static class LowPass
{
    /// <summary>The filter (N,N) on the centred frequency grid.</summary>
    public static Tensor Filter(ImageGrid grid, double resolutionA, Device device, double edgeFourierPixels = 0, ScalarType dtype = ScalarType.Float32)
    {
        if (!(resolutionA > 0)) throw new ArgumentOutOfRangeException(nameof(resolutionA), "resolution must be positive");
        if (!(edgeFourierPixels >= 0)) throw new ArgumentOutOfRangeException(nameof(edgeFourierPixels), "edge width must be non-negative");
        using var scope = NewDisposeScope();
        Tensor k = grid.FrequencySquared(device, ScalarType.Float64).sqrt();
        double cutoff = 1.0 / resolutionA;
        Tensor f = edgeFourierPixels > 0
            ? Masks.RaisedCosine(k, cutoff - 0.5 * edgeFourierPixels * grid.FrequencyStep, edgeFourierPixels * grid.FrequencyStep)
            : k.le(cutoff).to_type(ScalarType.Float64);
        return f.to_type(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Low-passes real images (…,N,N).</summary>
    public static Tensor Apply(Tensor images, ImageGrid grid, double resolutionA, double edgeFourierPixels = 0)
    {
        using var scope = NewDisposeScope();
        Tensor filter = Filter(grid, resolutionA, images.device, edgeFourierPixels, images.dtype);
        Tensor f = Fourier.Fft2Centered(images) * filter;
        return Fourier.Ifft2CenteredReal(f).MoveToOuterDisposeScope();
    }
}
