using CryoSphere.Geometry;

namespace CryoSphere.Simulation;

/// <summary>
/// Rotates selected residues about an axis (right-hand rule about the direction first → second
/// point) by an angle in degrees; the rest of the structure stays put.
/// </summary>
public sealed class HingeMotion : IMotion
{
    private readonly float[] _base;
    private readonly int[] _moving;
    private readonly double[] _origin;
    private readonly double[] _axis;
    private readonly double[] _range;
    private readonly double[]? _states;

    public HingeMotion(Structure s, IReadOnlyList<string> selections, string? axis, double[] range, double[]? states)
    {
        if (selections.Count == 0) throw new InputException("--motion hinge needs at least one --select (e.g. A:122-159) or --hinge");
        _base = s.Coordinates;
        _moving = selections.SelectMany(sel => StructureSelection.Parse(s, sel)).Distinct().Order().ToArray();
        if (_moving.Length == 0) throw new InputException($"--select {string.Join(" ", selections)} selects no residues");
        if (_moving.Length == s.Count) throw new InputException("--select covers the whole structure: a hinge needs a fixed part too");
        (_origin, _axis) = axis is null ? PrincipalAxis(_base, _moving) : AxisThrough(s, axis);
        _range = range;
        _states = states;
        if (states is null && (range.Length != 2 || range[1] < range[0]))
            throw new InputException("--angle-range must be two numbers a,b with a ≤ b (degrees)");
    }

    public IReadOnlyList<string> CoordinateNames => ["angle_deg"];
    public double[] Reference => [0];
    /// <summary>Indices of the residues that move.</summary>
    public IReadOnlyList<int> Moving => _moving;
    /// <summary>The angle range drawn from, degrees.</summary>
    public double[] Range => _range;

    public double[] Sample(Random rng) => [SampleAngle(rng)];

    public double SampleAngle(Random rng) =>
        _states is { } st ? st[rng.Next(st.Length)] : _range[0] + (_range[1] - _range[0]) * rng.NextDouble();

    public double[] GridAxis(int dimension, int steps) => MotionGrid.StatesOrLinear(_states, _range, steps);

    public float[] Coordinates(IReadOnlyList<double> coordinates)
    {
        var c = (float[])_base.Clone();
        Rotate(c, coordinates[0]);
        return c;
    }

    /// <summary>Rotates this hinge's residues of <paramref name="c"/> in place by <paramref name="angleDeg"/> about its axis.</summary>
    public void Rotate(float[] c, double angleDeg)
    {
        double[] r = Rotations.FromAxisAngle(_axis, Angles.ToRadians(angleDeg));
        foreach (int i in _moving)
        {
            double[] v = [c[3 * i] - _origin[0], c[3 * i + 1] - _origin[1], c[3 * i + 2] - _origin[2]];
            double[] w = Rotations.Apply(r, v);
            for (int k = 0; k < 3; k++) c[3 * i + k] = (float)(w[k] + _origin[k]);
        }
    }

    private static (double[], double[]) AxisThrough(Structure s, string axis)
    {
        var parts = axis.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2) throw new InputException($"--axis '{axis}': give two residues, e.g. A:118,A:167");
        int[] a = StructureSelection.Parse(s, parts[0]), b = StructureSelection.Parse(s, parts[1]);
        if (a.Length != 1 || b.Length != 1) throw new InputException($"--axis '{axis}': each end must be one residue, e.g. A:118");
        double[] p = [s.Coordinates[3 * a[0]], s.Coordinates[3 * a[0] + 1], s.Coordinates[3 * a[0] + 2]];
        double[] q = [s.Coordinates[3 * b[0]], s.Coordinates[3 * b[0] + 1], s.Coordinates[3 * b[0] + 2]];
        double[] d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
        double n = Math.Sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (n < 1e-6) throw new InputException($"--axis '{axis}': the two residues coincide");
        return (p, [d[0] / n, d[1] / n, d[2] / n]);
    }

    private static (double[], double[]) PrincipalAxis(float[] c, int[] idx)
    {
        double[] m = new double[3];
        foreach (int i in idx) for (int k = 0; k < 3; k++) m[k] += c[3 * i + k] / idx.Length;
        var cov = new double[3, 3];
        foreach (int i in idx)
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    cov[a, b] += (c[3 * i + a] - m[a]) * (c[3 * i + b] - m[b]);
        // Power iteration: the largest-variance direction of the selection.
        double[] v = [1, 1, 1];
        for (int it = 0; it < 200; it++)
        {
            double[] w = new double[3];
            for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) w[a] += cov[a, b] * v[b];
            double n = Math.Sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
            if (n < 1e-12) break;
            v = [w[0] / n, w[1] / n, w[2] / n];
        }
        return (m, v);
    }
}
