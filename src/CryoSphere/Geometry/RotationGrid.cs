namespace CryoSphere.Geometry;

/// <summary>
/// Deterministic near-uniform sets of rotations: Alexa's super-Fibonacci spirals (CVPR 2022), unit quaternions
/// spread over S³ with a low-discrepancy spiral. Unlike random draws they leave no large holes, so the global
/// search of the fit needs fewer rotations for the same worst-case angular gap.
/// </summary>
public static class RotationGrid
{
    // φ = √2 and ψ, the real root of ψ⁴ = ψ + 4: the two irrational frequencies of the spiral.
    private const double Phi = 1.4142135623730951;
    private const double Psi = 1.533751168755204288118041;

    /// <summary><paramref name="count"/> rotation matrices (row-major, 9 values each).</summary>
    public static List<double[]> SuperFibonacci(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "need at least one rotation");
        var list = new List<double[]>(count);
        for (int i = 0; i < count; i++)
        {
            double s = i + 0.5;
            double r = Math.Sqrt(s / count), rr = Math.Sqrt(1 - s / count);
            double alpha = 2 * Math.PI * s / Phi, beta = 2 * Math.PI * s / Psi;
            list.Add(Rotations.FromQuaternion(rr * Math.Cos(beta), r * Math.Sin(alpha), r * Math.Cos(alpha), rr * Math.Sin(beta)));
        }
        return list;
    }

    /// <summary>Angle (radians) of the rotation taking <paramref name="a"/> to <paramref name="b"/>: acos((tr(AᵀB) − 1)/2).</summary>
    public static double Angle(double[] a, double[] b)
    {
        double tr = 0;
        for (int i = 0; i < 9; i++) tr += a[i] * b[i];
        return Math.Acos(Math.Clamp((tr - 1) / 2, -1, 1));
    }
}
