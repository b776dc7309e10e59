using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// Fits the encoder's projection (<c>encoder_forces_components</c>) when a run starts: the principal components of the
/// training particles' forces. Their directions of largest spread across particles are where a motion's pull shows
/// above the noise, which is spread evenly over all 3R values (docs/training-defaults.md §20). From the kept table
/// when there is one, else from the forces of the first <see cref="MaxParticles"/> training particles, computed here.
/// </summary>
internal static class ForcesProjection
{
    /// <summary>Particles the components are fitted from at most: more changes them little and costs time and memory.</summary>
    public const int MaxParticles = 20_000;

    public static string Fit(VaeModel model, ForcesTable? table, BatchObjective objective, TrainingSetup setup, int[] train, long seed)
    {
        var encoder = model.Encoder ?? throw new InvalidOperationException("a projection needs the amortised encoder");
        int k = encoder.Components;
        using var guard = NativeCallGuard.Enter();
        using var scope = NewDisposeScope();
        int m = Math.Min(train.Length, MaxParticles);
        if (m < k) throw new InputException($"encoder_forces_components is {k} but only {m} training particles give forces to fit them from");
        Tensor data = table?.Sample(m) ?? Compute(objective, setup, train[..m]);
        var (mean, components, spread) = PrincipalSubspace.Fit(data, k, seed);
        encoder.SetProjection(mean.to(setup.Device), components.to(setup.Device), spread.clamp_min(1e-12).to(setup.Device));
        var x = data.to_type(ScalarType.Float64);
        double total = (x - x.mean([0])).square().sum().ToDouble() / Math.Max(1, m - 1);
        double share = spread.to_type(ScalarType.Float64).square().sum().ToDouble() / total;
        return FormattableString.Invariant($"encoder reads the forces on their {k} principal components, fitted from {m} particles ({100 * share:F1} % of the forces' variance)");
    }

    private static Tensor Compute(BatchObjective objective, TrainingSetup setup, int[] particles)
    {
        var all = empty([particles.Length, 3 * setup.Structure.Count], ScalarType.Float32);
        var loader = new Data.BatchLoader(setup.Particles, 64, 0, particles);
        int row = 0;
        foreach (var pb in PreparedBatch.Each(objective, loader.Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            using var forces = objective.ComputeForces(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf);
            all.narrow(0, row, pb.Count).copy_(forces.cpu());
            row += pb.Count;
        }
        return all;
    }
}
