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
        // Without a kept table, the first m particles' forces are computed as a table would hold them, for this fit only.
        using var own = table is null ? ForcesTable.Build(objective, setup, train[..m]) : null;
        Tensor data = (table ?? own!).Sample(m);
        var (mean, components, spread) = PrincipalSubspace.Fit(data, k, seed);
        encoder.SetProjection(mean.to(setup.Device), components.to(setup.Device), spread.clamp_min(1e-12).to(setup.Device));
        var x = data.to_type(ScalarType.Float64);
        double total = (x - x.mean([0])).square().sum().ToDouble() / Math.Max(1, m - 1);
        double share = spread.to_type(ScalarType.Float64).square().sum().ToDouble() / total;
        return FormattableString.Invariant($"encoder reads the forces on their {k} principal components, fitted from {m} particles ({100 * share:F1} % of the forces' variance)");
    }
}
