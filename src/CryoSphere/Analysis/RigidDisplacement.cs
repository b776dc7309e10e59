using CryoSphere.Geometry;

namespace CryoSphere.Analysis;

/// <summary>
/// Random rigid displacements of a structure and the Cα RMSD between two poses of it: the "random start" of the
/// fit's acceptance (issue 14), shared by the demo, the fit benchmark and the tests so that all three move a
/// structure the same way.
/// </summary>
public static class RigidDisplacement
{
    /// <summary>
    /// A rotation drawn uniformly on SO(3) about the coordinates' centroid, then a translation drawn uniformly in a
    /// ball of radius <paramref name="maxShiftA"/> Å. <see cref="RigidTransform.Correlation"/> is NaN (none measured).
    /// </summary>
    public static RigidTransform Random(Random rng, float[] coords, double maxShiftA)
    {
        if (!(maxShiftA >= 0)) throw new ArgumentOutOfRangeException(nameof(maxShiftA), "the shift radius must be ≥ 0");
        double[] rotation = Rotations.UniformRandom(rng);
        double[] t;
        do t = [rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1];
        while (t[0] * t[0] + t[1] * t[1] + t[2] * t[2] > 1);
        return new RigidTransform(rotation, t.Select(v => v * maxShiftA).ToArray(), Centroid(coords), double.NaN);
    }

    /// <summary>The transform applied to every point of (R·3) coordinates.</summary>
    public static float[] Apply(RigidTransform t, float[] coords)
    {
        var moved = new float[coords.Length];
        for (int i = 0; i < coords.Length; i += 3)
        {
            var (x, y, z) = t.Apply(coords[i], coords[i + 1], coords[i + 2]);
            moved[i] = (float)x; moved[i + 1] = (float)y; moved[i + 2] = (float)z;
        }
        return moved;
    }

    /// <summary>Root-mean-square distance between corresponding points (no superposition: the frames must agree).</summary>
    public static double Rmsd(float[] a, float[] b)
    {
        if (a.Length != b.Length || a.Length % 3 != 0 || a.Length == 0) throw new ArgumentException("coordinate arrays must be the same non-zero length R·3");
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        return Math.Sqrt(sum / (a.Length / 3));
    }

    private static double[] Centroid(float[] coords)
    {
        var c = new double[3];
        for (int i = 0; i < coords.Length; i++) c[i % 3] += coords[i] / (coords.Length / 3.0);
        return c;
    }
}
