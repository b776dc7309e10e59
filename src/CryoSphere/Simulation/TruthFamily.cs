namespace CryoSphere.Simulation;

/// <summary>
/// The true structures of a simulation: its base structure (box frame) and the state at any motion coordinates.
/// </summary>
public sealed class TruthFamily(Structure baseStructure, IMotion motion, Func<IReadOnlyList<double>, float[]> state)
{
    public Structure Base { get; } = baseStructure;
    public IMotion Motion { get; } = motion;
    public IReadOnlyList<string> Names => Motion.CoordinateNames;
    public int Dimensions => Motion.CoordinateNames.Count;

    /// <summary>Residue coordinates (R × 3, Å, box frame) of the state at <paramref name="coordinates"/>.</summary>
    public float[] State(IReadOnlyList<double> coordinates) => state(coordinates);

    /// <summary>
    /// Every combination of the per-coordinate grid values (<see cref="IMotion.GridAxis"/> with
    /// <paramref name="steps"/> values per coordinate), the first coordinate varying slowest.
    /// </summary>
    public double[][] Grid(int steps)
    {
        IEnumerable<double[]> points = [[]];
        for (int d = 0; d < Dimensions; d++)
        {
            var axis = Motion.GridAxis(d, steps);
            points = points.SelectMany(p => axis.Select(v => (double[])[.. p, v])).ToList();
        }
        return points.ToArray();
    }
}
