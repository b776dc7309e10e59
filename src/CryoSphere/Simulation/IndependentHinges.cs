using System.Globalization;

namespace CryoSphere.Simulation;

/// <summary>
/// Several hinges, each with its own uniformly drawn angle: a motion with one coordinate per hinge
/// (angle_deg_1, angle_deg_2, …), so that the truth is a point in a space of more than one dimension.
/// Each hinge is written "SELECTION;AXIS;LO,HI", e.g. "A:122-159;A:118,A:167;-45,45"; the axis may be
/// empty (the selection's principal axis) and the range omitted (the default range).
/// </summary>
public sealed class IndependentHinges : IMotion
{
    private readonly HingeMotion[] _hinges;
    private readonly float[] _base;

    public IndependentHinges(Structure s, IReadOnlyList<string> specs, double[] defaultRange)
    {
        if (specs.Count < 2) throw new InputException("independent hinges need at least two --hinge");
        _base = s.Coordinates;
        _hinges = specs.Select(spec => Parse(s, spec, defaultRange)).ToArray();
        // Each axis is fixed in the input frame, so a residue moved by two hinges would depend on their order.
        var owner = new Dictionary<int, int>();
        for (int h = 0; h < _hinges.Length; h++)
            foreach (int i in _hinges[h].Moving)
                if (!owner.TryAdd(i, h))
                    throw new InputException($"--hinge '{specs[h]}' overlaps --hinge '{specs[owner[i]]}' (residue {s.ChainIds[i]}:{s.ResidueNumbers[i]}): hinges must move disjoint residues");
        CoordinateNames = Enumerable.Range(1, _hinges.Length).Select(k => $"angle_deg_{k}").ToArray();
    }

    public IReadOnlyList<HingeMotion> Hinges => _hinges;
    public IReadOnlyList<string> CoordinateNames { get; }
    public double[] Reference => new double[_hinges.Length];

    public double[] Sample(Random rng) => _hinges.Select(h => h.SampleAngle(rng)).ToArray();

    public double[] GridAxis(int dimension, int steps) => _hinges[dimension].GridAxis(0, steps);

    public float[] Coordinates(IReadOnlyList<double> coordinates)
    {
        var c = (float[])_base.Clone();
        for (int h = 0; h < _hinges.Length; h++) _hinges[h].Rotate(c, coordinates[h]);
        return c;
    }

    /// <summary>One hinge from "SELECTION;AXIS;LO,HI" (axis and range optional).</summary>
    public static HingeMotion Parse(Structure s, string spec, double[] defaultRange)
    {
        var parts = spec.Split(';', StringSplitOptions.TrimEntries);
        if (parts.Length > 3 || parts[0].Length == 0)
            throw new InputException($"--hinge '{spec}': expected SELECTION;AXIS;LO,HI, e.g. A:122-159;A:118,A:167;-45,45");
        string? axis = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
        double[] range = parts.Length > 2 && parts[2].Length > 0 ? Range(spec, parts[2]) : defaultRange;
        if (range.Length != 2 || range[1] < range[0]) throw new InputException($"--hinge '{spec}': the angle range must be two numbers a,b with a ≤ b (degrees)");
        return new HingeMotion(s, [parts[0]], axis, range, null);
    }

    private static double[] Range(string spec, string text)
    {
        var f = text.Split(',', StringSplitOptions.TrimEntries);
        var r = new double[f.Length];
        for (int i = 0; i < f.Length; i++)
            if (!double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out r[i]))
                throw new InputException($"--hinge '{spec}': '{f[i]}' is not a number");
        return r;
    }
}
