using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// Circular masks (N,N) centred on pixel ⌊N/2⌋: 1 within the radius, 0 beyond, with an optional raised-cosine
/// edge of the given width (in pixels) just outside the radius.
/// </summary>
public static class Masks
{
    /// <summary>Radius as a fraction of the half side N/2 (1 touches the edges), as in the reference's configs.</summary>
    public static Tensor Circular(int n, double radiusFraction, Device device, double softEdgePixels = 0, ScalarType dtype = ScalarType.Float32)
    {
        if (!(radiusFraction >= 0)) throw new ArgumentOutOfRangeException(nameof(radiusFraction), "mask radius must be non-negative");
        return CircularPixels(n, radiusFraction * n / 2.0, device, softEdgePixels, dtype);
    }

    /// <summary>Radius in pixels from the centre pixel.</summary>
    public static Tensor CircularPixels(int n, double radiusPixels, Device device, double softEdgePixels = 0, ScalarType dtype = ScalarType.Float32)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "image side must be positive");
        if (!(radiusPixels >= 0)) throw new ArgumentOutOfRangeException(nameof(radiusPixels), "mask radius must be non-negative");
        if (!(softEdgePixels >= 0)) throw new ArgumentOutOfRangeException(nameof(softEdgePixels), "soft edge must be non-negative");
        using var scope = NewDisposeScope();
        Tensor p = arange(0, n, 1, ScalarType.Float64, device) - n / 2;
        Tensor r = (p.unsqueeze(0).pow(2) + p.unsqueeze(1).pow(2)).sqrt();
        Tensor mask = softEdgePixels > 0
            ? RaisedCosine(r, radiusPixels, softEdgePixels)
            : r.le(radiusPixels).to_type(ScalarType.Float64);
        return mask.to_type(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>1 for x ≤ start, 0 for x ≥ start + width, ½(1 + cos(π(x − start)/width)) between.</summary>
    internal static Tensor RaisedCosine(Tensor x, double start, double width)
    {
        Tensor t = ((x - start) / width).clamp(0, 1);
        return (t * Math.PI).cos().add_(1).mul_(0.5);
    }
}
