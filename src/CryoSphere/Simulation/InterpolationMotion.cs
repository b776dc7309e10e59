namespace CryoSphere.Simulation;

/// <summary>
/// Linear interpolation between two states of the same residues: X(t) = (1−t)·A + t·B′, with B′ the
/// end structure superposed onto the start on all matched Cα (match by chain and residue number).
/// </summary>
public sealed class InterpolationMotion : IMotion
{
    private readonly float[] _a;
    private readonly float[] _b;
    private readonly double[] _range;
    private readonly double[]? _states;

    /// <summary>The start structure reduced to the residues both structures have.</summary>
    public Structure Matched { get; }

    public InterpolationMotion(Structure start, Structure end, string endPath, double[] range, double[]? states)
    {
        var endIndex = new Dictionary<(string, int, string), int>();
        for (int i = 0; i < end.Count; i++) endIndex[(end.ChainIds[i], end.ResidueNumbers[i], end.InsertionCodes[i])] = i;
        var keepA = new List<int>();
        var keepB = new List<int>();
        int differentNames = 0;
        for (int i = 0; i < start.Count; i++)
        {
            if (!endIndex.TryGetValue((start.ChainIds[i], start.ResidueNumbers[i], start.InsertionCodes[i]), out int j)) continue;
            keepA.Add(i);
            keepB.Add(j);
            if (start.ResidueNames[i] != end.ResidueNames[j]) differentNames++;
        }
        if (keepA.Count < 3 || keepA.Count < 0.5 * Math.Min(start.Count, end.Count))
            throw new InputException(endPath, $"does not match the start structure: only {keepA.Count} of {start.Count} residues share chain and residue number");
        if (differentNames > 0.1 * keepA.Count)
            throw new InputException(endPath, $"does not match the start structure: {differentNames} of {keepA.Count} matched residues have a different residue type");
        Matched = start.Subset(keepA.ToArray());
        _a = Matched.Coordinates;
        var b = new float[_a.Length];
        for (int k = 0; k < keepB.Count; k++)
            for (int d = 0; d < 3; d++) b[3 * k + d] = end.Coordinates[3 * keepB[k] + d];
        _b = Superposition.Fit(b, _a);
        _range = range;
        _states = states;
        if (states is null && (range.Length != 2 || range[1] < range[0]))
            throw new InputException("--t-range must be two numbers a,b with a ≤ b");
    }

    public IReadOnlyList<string> CoordinateNames => ["t"];
    public double[] Reference => [0];
    public double[] Sample(Random rng) =>
        [_states is { } st ? st[rng.Next(st.Length)] : _range[0] + (_range[1] - _range[0]) * rng.NextDouble()];

    public double[] GridAxis(int dimension, int steps) => MotionGrid.StatesOrLinear(_states, _range, steps);

    public float[] Coordinates(IReadOnlyList<double> coordinates)
    {
        double t = coordinates[0];
        var c = new float[_a.Length];
        for (int i = 0; i < c.Length; i++) c[i] = (float)((1 - t) * _a[i] + t * _b[i]);
        return c;
    }
}
