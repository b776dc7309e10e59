using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// The coarse levels of <see cref="RigidFit"/>'s coarse-to-fine search: the map low-passed by a Gaussian of width
/// σ_b and Fourier-cropped to a coarser voxel (same box length, voxel ⌊n/2⌋ still at 0 Å), and the model width
/// √(σ² + σ_b²) that matches it exactly (a Gaussian model blurred by a Gaussian). The global search and the first
/// refinement run on a ~6 Å grid, where a template costs ~1/8–1/64 of the full one and the smoother score has a
/// wider basin; the last refinement runs on the map as given.
/// </summary>
public static class FitPyramid
{
    /// <summary>One level: the normalised map (zero mean, unit sd; (n,n,n), [z,y,x]), its grid and the model width.</summary>
    public sealed record Level(Tensor Map, ImageGrid Grid, double Sigma);

    /// <summary>
    /// The level with voxel ≈ <paramref name="targetApix"/> (never finer than the map's): blur σ_b = <paramref name="blurPerVoxel"/>
    /// coarse voxels (0.75 leaves ~10 % of the amplitude at the coarse Nyquist, so little aliases). Returns the map
    /// itself (σ unchanged) when the target is not coarser than the map.
    /// </summary>
    public static Level At(Tensor map, double apix, double sigma, double targetApix, double blurPerVoxel = 0.75)
    {
        int n = (int)map.shape[0];
        int nc = Math.Max(8, (int)Math.Round(n * apix / targetApix));
        if (nc >= n) return new Level(Normalise(map), new ImageGrid(n, apix), sigma);
        double apixC = n * apix / nc;
        double blur = blurPerVoxel * apixC;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long[] all = { 0, 1, 2 };
        Tensor spec = fft.fftshift(fft.fftn(fft.ifftshift(map.to_type(ScalarType.Float32), all), dim: all), all);
        // Frequencies of the centred spectrum in 1/Å, index ⌊n/2⌋ = 0.
        Tensor k = (arange(n, ScalarType.Float32) - n / 2) / (n * apix);
        Tensor k2 = k.reshape(-1, 1, 1).square() + k.reshape(1, -1, 1).square() + k.reshape(1, 1, -1).square();
        spec = spec * (k2 * (-2 * Math.PI * Math.PI * blur * blur)).exp();
        int start = n / 2 - nc / 2;
        spec = spec.narrow(0, start, nc).narrow(1, start, nc).narrow(2, start, nc);
        Tensor coarse = fft.fftshift(fft.ifftn(fft.ifftshift(spec, all), dim: all), all).real.contiguous();
        return new Level(Normalise(coarse).MoveToOuterDisposeScope(), new ImageGrid(nc, apixC), Math.Sqrt(sigma * sigma + blur * blur));
    }

    private static Tensor Normalise(Tensor m)
    {
        using var scope = NewDisposeScope();
        Tensor f = m.to_type(ScalarType.Float32);
        return ((f - f.mean()) / f.std().clamp_min(1e-30)).MoveToOuterDisposeScope();
    }
}
