using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Simulation;

/// <summary>
/// Signal and noise variances of simulated images in both SNR conventions: inside the particle's disc
/// ("particle", our default) and over the whole image ("image", as cryoDRGN-style generators do). The
/// noise level is set from the requested convention; the realised SNR is reported in both, so datasets
/// made by different tools can be compared.
/// </summary>
internal sealed class SnrMeter : IDisposable
{
    private readonly Tensor _disc;
    private readonly double _discCount;
    private readonly double _pixels;
    private readonly bool _image;
    private double _signalDisc, _noiseDisc, _signalImage, _noiseImage;

    public SnrMeter(int npix, double discRadiusPx, string convention)
    {
        if (convention is not ("particle" or "image")) throw new InputException($"--snr-convention '{convention}': use particle or image");
        _image = convention == "image";
        _disc = Imaging.Masks.CircularPixels(npix, discRadiusPx, CPU);
        _discCount = _disc.sum().ToDouble();
        _pixels = (double)npix * npix;
    }

    /// <summary>Per-image signal variance (B) of clean images in the requested convention.</summary>
    public Tensor SignalVariance(Tensor clean) => _image ? Variance(clean, null, _pixels) : Variance(clean, _disc, _discCount);

    /// <summary>Adds a chunk's clean images and (when there is noise) the noise added to them.</summary>
    public void Add(Tensor clean, Tensor? noise)
    {
        _signalDisc += Variance(clean, _disc, _discCount).sum().ToDouble();
        _signalImage += Variance(clean, null, _pixels).sum().ToDouble();
        if (noise is null) return;
        _noiseDisc += Variance(noise, _disc, _discCount).sum().ToDouble();
        _noiseImage += Variance(noise, null, _pixels).sum().ToDouble();
    }

    public double RealisedParticle => _signalDisc / Math.Max(_noiseDisc, 1e-30);
    public double RealisedImage => _signalImage / Math.Max(_noiseImage, 1e-30);
    public double Realised => _image ? RealisedImage : RealisedParticle;

    private static Tensor Variance(Tensor images, Tensor? mask, double count)
    {
        var masked = mask is null ? images : images * mask;
        var mean = masked.sum([1, 2]) / count;
        var sq = (masked * masked).sum([1, 2]) / count;
        return sq - mean * mean;
    }

    public void Dispose() => _disc.Dispose();
}
