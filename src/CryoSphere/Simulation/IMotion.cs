namespace CryoSphere.Simulation;

/// <summary>
/// A family of conformations of a structure's residues with one or more motion coordinates (one per
/// independent hinge; one for interpolation and trajectories).
/// </summary>
public interface IMotion
{
    /// <summary>Column names of the motion coordinates in truth.csv.</summary>
    IReadOnlyList<string> CoordinateNames { get; }
    /// <summary>The coordinates of the reference state (base.pdb).</summary>
    double[] Reference { get; }
    /// <summary>Draws the coordinates of one image.</summary>
    double[] Sample(Random rng);
    /// <summary>Residue coordinates (3 per residue) of the state at <paramref name="coordinates"/>, in the input frame.</summary>
    float[] Coordinates(IReadOnlyList<double> coordinates);
    /// <summary>
    /// Values of coordinate <paramref name="dimension"/> that span what <see cref="Sample"/> draws: the discrete
    /// states when there are some, otherwise <paramref name="steps"/> evenly spaced values over the range.
    /// </summary>
    double[] GridAxis(int dimension, int steps);
}

/// <summary>Helpers shared by the motions.</summary>
internal static class MotionGrid
{
    /// <summary><paramref name="steps"/> evenly spaced values from range[0] to range[1] (one value when they coincide).</summary>
    public static double[] Linear(double[] range, int steps)
    {
        if (steps < 2 || range[1] == range[0]) return [range[0]];
        return Enumerable.Range(0, steps).Select(i => range[0] + (range[1] - range[0]) * i / (steps - 1)).ToArray();
    }

    /// <summary>The discrete states, sorted and without repeats, or the linear grid over the range.</summary>
    public static double[] StatesOrLinear(double[]? states, double[] range, int steps) =>
        states is { } st ? st.Distinct().Order().ToArray() : Linear(range, steps);
}
