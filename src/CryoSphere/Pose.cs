namespace CryoSphere;

/// <summary>
/// Pose of one particle in our single internal convention (docs/conventions.md): a structure's atoms
/// appear at Y = R·X, and the particle's centre sits at −shift from the box centre.
/// </summary>
/// <param name="Rotation">R as 9 numbers, row-major.</param>
/// <param name="ShiftXA">Shift x in Å, same sign as RELION's rlnOriginXAngst.</param>
/// <param name="ShiftYA">Shift y in Å, same sign as RELION's rlnOriginYAngst.</param>
public sealed record Pose(double[] Rotation, double ShiftXA, double ShiftYA)
{
    /// <summary>The identity pose with no shift.</summary>
    public static Pose Identity => new(new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, 0, 0);
}
