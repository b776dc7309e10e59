using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>Mean and standard deviation of pixel values, for normalising images.</summary>
public readonly record struct PixelStatistics(double Mean, double Std, long Count);

/// <summary>
/// Estimates pixel mean and standard deviation from a sample of images, batch by batch (double
/// accumulation, Chan's parallel update so batches of any size combine exactly).
/// </summary>
public sealed class ImageStatistics
{
    private long _count;
    private double _mean;
    private double _m2;

    /// <summary>Pixels seen so far.</summary>
    public long Count => _count;

    /// <summary>Adds a batch of pixel values (any number of images, flattened).</summary>
    public void Add(ReadOnlySpan<float> pixels)
    {
        if (pixels.Length == 0) return;
        double sum = 0;
        foreach (float v in pixels) sum += v;
        double mean = sum / pixels.Length;
        double m2 = 0;
        foreach (float v in pixels)
        {
            double d = v - mean;
            m2 += d * d;
        }
        Combine(pixels.Length, mean, m2);
    }

    /// <summary>Adds a tensor of images (any shape, any device).</summary>
    public void Add(Tensor images)
    {
        if (images.numel() == 0) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = images.to_type(ScalarType.Float64);
        double mean = x.mean().ToDouble();
        double m2 = (x - mean).pow(2).sum().ToDouble();
        Combine(images.numel(), mean, m2);
    }

    /// <summary>The estimate so far (population standard deviation).</summary>
    public PixelStatistics Result()
    {
        if (_count == 0) throw new InvalidOperationException("no pixels were added");
        return new PixelStatistics(_mean, Math.Sqrt(_m2 / _count), _count);
    }

    /// <summary>One-shot estimate from a batch of pixel values.</summary>
    public static PixelStatistics Estimate(ReadOnlySpan<float> pixels)
    {
        var s = new ImageStatistics();
        s.Add(pixels);
        return s.Result();
    }

    /// <summary>One-shot estimate from a tensor of images.</summary>
    public static PixelStatistics Estimate(Tensor images)
    {
        var s = new ImageStatistics();
        s.Add(images);
        return s.Result();
    }

    /// <summary>(images − mean)/std; a zero std leaves the scale unchanged.</summary>
    public static Tensor Normalize(Tensor images, PixelStatistics stats)
    {
        double std = stats.Std > 0 ? stats.Std : 1;
        return (images - stats.Mean) / std;
    }

    private void Combine(long n, double mean, double m2)
    {
        long total = _count + n;
        double delta = mean - _mean;
        _mean += delta * n / total;
        _m2 += m2 + delta * delta * ((double)_count * n / total);
        _count = total;
    }
}
