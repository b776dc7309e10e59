using CryoSphere.Data;
using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// The particles' SNR estimated from the data and the base structure: each sampled image is compared with the base
/// structure rendered with its pose, CTF and shift (<see cref="BatchObjective.BaseModelFit"/>). The signal is the
/// fitted prediction's variance inside the particle's disc, the noise what it leaves unexplained, as the simulator's
/// particle convention defines SNR. Conformational change counts as noise, so the estimate is a lower bound when the
/// protein moves. It chooses the encoder's input (<see cref="EncoderInputSide.FromSnr"/>) and tells the user what
/// their data hold.
/// </summary>
public static class SignalEstimate
{
    /// <summary>What the sample measured.</summary>
    /// <param name="ParticleSnr">Particle SNR; NaN when nothing is measurable.</param>
    /// <param name="BaseCorrelation">The images' mean correlation with the base structure, in the loss's own measure (<see cref="BatchObjective.BaseModelFit"/>); NaN when nothing is measurable.</param>
    /// <param name="LossPixels">Pixels the correlation runs over (the loss mask's, else the image's).</param>
    public readonly record struct Measured(double ParticleSnr, double BaseCorrelation, double LossPixels);

    /// <summary>Particle SNR over up to <paramref name="sample"/> particles drawn with <paramref name="seed"/>; NaN when nothing is measurable.</summary>
    public static double ParticleSnr(TrainingSetup setup, PixelStatistics stats, int seed, int sample = 512) =>
        Measure(setup, stats, seed, sample).ParticleSnr;

    /// <summary>The particle SNR and the base structure's correlation over up to <paramref name="sample"/> particles drawn with <paramref name="seed"/>.</summary>
    public static Measured Measure(TrainingSetup setup, PixelStatistics stats, int seed, int sample = 512)
    {
        var idx = setup.Subset.ToArray();
        new Random(seed).Shuffle(idx);
        var take = idx.Take(Math.Min(sample, idx.Length)).ToArray();
        var objective = new BatchObjective(setup, null, stats);
        var loader = new BatchLoader(setup.Particles, 64, seed, take);
        using var guard = NativeCallGuard.Enter();
        using var disc = Masks.CircularPixels(setup.Grid.N, DiscRadiusPixels(setup), setup.Device);
        double signal = 0, residual = 0, correlation = 0;
        foreach (var pb in PreparedBatch.Each(objective, loader.Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            var (s, r, rho) = objective.BaseModelFit(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf, disc);
            using (s) using (r) using (rho)
            {
                signal += s.sum().ToDouble();
                residual += r.sum().ToDouble();
                correlation += rho.to_type(ScalarType.Float64).sum().ToDouble();
            }
        }
        double pixels = setup.LossMask is { } m ? m.sum().ToDouble() : (double)setup.Grid.N * setup.Grid.N;
        return new Measured(residual > 0 && signal > 0 ? signal / residual : double.NaN,
            take.Length > 0 && double.IsFinite(correlation) ? correlation / take.Length : double.NaN, pixels);
    }

    /// <summary>The particle's disc: the base structure's largest distance from the box centre plus two Gaussian widths, as the simulator measures it.</summary>
    public static double DiscRadiusPixels(TrainingSetup setup)
    {
        var c = setup.Structure.Coordinates;
        double r2 = 0;
        for (int i = 0; i < setup.Structure.Count; i++)
            r2 = Math.Max(r2, c[3 * i] * c[3 * i] + c[3 * i + 1] * c[3 * i + 1] + c[3 * i + 2] * c[3 * i + 2]);
        return Math.Min(setup.Grid.N / 2.0, (Math.Sqrt(r2) + 2 * setup.Options.SigmaGmm) / setup.Grid.Apix);
    }
}
