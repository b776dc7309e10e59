namespace CryoSphere.Training;

/// <summary>
/// The particles a run keeps out of training, to show its correlation on images the model never fitted beside the
/// training one (<see cref="TrainOptions.HeldOutFraction"/>; docs/training-defaults.md §13): at low SNR the training
/// correlation keeps improving while the model fits the particles' noise, which the held-out one does not. The split
/// depends only on the seed and the particles used, so a resumed run holds out the same particles.
/// </summary>
public sealed record HeldOutSplit(int[] Train, int[] HeldOut)
{
    /// <summary>Fewer held-out particles than this give a noisy mean; the run then holds out none.</summary>
    public const int MinHeldOut = 50;

    /// <summary>More than this adds evaluation time, not a steadier mean.</summary>
    public const int MaxHeldOut = 2000;

    /// <summary>Held-out count for <paramref name="particles"/> used: the fraction, at most <see cref="MaxHeldOut"/>, none below <see cref="MinHeldOut"/>.</summary>
    public static int Count(int particles, double fraction)
    {
        int n = Math.Min(MaxHeldOut, (int)Math.Floor(fraction * particles));
        return n < MinHeldOut ? 0 : n;
    }

    /// <summary>
    /// Splits <paramref name="subset"/> (the particles used) by a draw from <paramref name="seed"/>; both parts keep
    /// the subset's order. With per-image latents (<paramref name="amortized"/> false) a held-out particle would have
    /// no trained latent, so nothing is held out.
    /// </summary>
    public static HeldOutSplit Of(int[] subset, double fraction, int seed, bool amortized)
    {
        int h = amortized ? Count(subset.Length, fraction) : 0;
        if (h == 0) return new HeldOutSplit(subset, []);
        // A generator of its own (not the loader's): the held-out choice must not shift the training order's draws.
        var pick = Enumerable.Range(0, subset.Length).ToArray();
        new Random(unchecked(seed * 31337 + 101)).Shuffle(pick);
        var held = new bool[subset.Length];
        foreach (int i in pick.Take(h)) held[i] = true;
        return new HeldOutSplit(
            subset.Where((_, i) => !held[i]).ToArray(),
            subset.Where((_, i) => held[i]).ToArray());
    }
}
