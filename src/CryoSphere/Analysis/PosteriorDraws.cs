namespace CryoSphere.Analysis;

/// <summary>
/// One seeded draw per particle from its latent posterior N(μ, diag(σ²)). Decoded, the draws are the population of
/// conformations the model infers; the posterior means are each particle's best single estimate, and where the images
/// determine the motion weakly they are shrunk towards the centre (half-2dri-snr0.01: distance spread 1.4 Å from the
/// means for a true 3.0 Å; docs/training-defaults.md §24), so a traversal or histogram of the means understates the motion.
/// </summary>
public static class PosteriorDraws
{
    /// <summary>μ + σ·ε, ε standard normal from <paramref name="seed"/> (Box–Muller), same layout as <paramref name="mu"/>.</summary>
    public static float[] One(float[] mu, float[] sd, int seed)
    {
        if (mu.Length != sd.Length) throw new ArgumentException($"{mu.Length} means but {sd.Length} standard deviations");
        var rng = new Random(seed);
        var z = new float[mu.Length];
        for (int i = 0; i < z.Length; i += 2)
        {
            // Box–Muller: two independent normals from two uniforms in (0, 1].
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            z[i] = (float)(mu[i] + sd[i] * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < z.Length) z[i + 1] = (float)(mu[i + 1] + sd[i + 1] * r * Math.Sin(2 * Math.PI * u2));
        }
        return z;
    }
}
