using CryoSphere.Data;
using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Workflows;

/// <summary>
/// How well structures explain particle images: each structure (box frame) projected with every particle's pose,
/// shift and CTF (the training's image formation), Pearson-correlated with the image, averaged over particles.
/// `fit --particles` uses it to check that the fitted model agrees with the data better than the unfitted one.
/// </summary>
public static class ParticleAgreement
{
    /// <summary>Mean per-image correlation of each structure (R·3 coordinates in the box frame) with the first <paramref name="count"/> particles.</summary>
    public static double[] MeanCorrelation(ParticleDataset ds, int count, IReadOnlyList<float[]> structures, float[] amplitudes, double sigma, int n, double apix)
    {
        var t = ds.Table;
        if (t.Rotations is null) throw new InputException(t.SourcePath, "has no poses to project with");
        int n0 = ds.BoxSize;
        if (n > n0 || Math.Abs(n0 * ds.PixelSize - n * apix) > 1e-3 * n * apix)
            throw new InputException(t.SourcePath, $"particles are {n0} px of {ds.PixelSize} Å but the map is {n} voxels of {apix} Å; the boxes must span the same length");
        count = Math.Min(count, t.Count);
        var grid = new ImageGrid(n, apix);
        var sums = new double[structures.Count];
        const int chunk = 64;
        var buffer = new float[chunk * n0 * n0];
        for (int start = 0; start < count; start += chunk)
        {
            int b = Math.Min(chunk, count - start);
            for (int j = 0; j < b; j++) ds.ReadImage(start + j, buffer.AsSpan(j * n0 * n0, n0 * n0));
            using var guard = NativeCallGuard.Enter(256L << 20);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor images = tensor(buffer.AsSpan(0, b * n0 * n0).ToArray(), [b, n0, n0]);
            if (n != n0) images = Fourier.FourierCrop(images, n);
            Tensor rot = tensor(t.Rotations.AsSpan(9 * start, 9 * b).ToArray(), [b, 3, 3]);
            Tensor? shifts = t.ShiftsA is null ? null : tensor(t.ShiftsA.AsSpan(2 * start, 2 * b).ToArray(), [b, 2]);
            using var ctf = t.Ctf is null ? null : CtfBatch.From(t.Ctf.AsSpan(start, b).ToArray(), CPU);
            for (int k = 0; k < structures.Count; k++)
            {
                Tensor pred = GaussianRenderer.RotateAndProject(tensor(structures[k], [amplitudes.Length, 3]), rot, tensor(amplitudes), sigma, grid);
                pred = ImageFormation.Apply(pred, ctf, shifts, grid);
                sums[k] += Pearson(pred.reshape(b, -1), images.reshape(b, -1)).sum().ToDouble();
            }
        }
        return sums.Select(v => v / count).ToArray();
    }

    private static Tensor Pearson(Tensor a, Tensor b)
    {
        Tensor x = a - a.mean([1], keepdim: true), y = b - b.mean([1], keepdim: true);
        return (x * y).sum(1) / ((x * x).sum(1) * (y * y).sum(1)).sqrt().clamp_min(1e-30);
    }
}
