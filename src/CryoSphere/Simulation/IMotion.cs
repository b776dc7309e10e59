namespace CryoSphere.Simulation;

/// <summary>A one-parameter family of conformations of a structure's residues.</summary>
public interface IMotion
{
    /// <summary>Column name of the motion coordinate in truth.csv.</summary>
    string CoordinateName { get; }
    /// <summary>The coordinate of the reference state (base.pdb).</summary>
    double Reference { get; }
    /// <summary>Draws the coordinate of one image.</summary>
    double Sample(Random rng);
    /// <summary>Residue coordinates (3 per residue) of the state at <paramref name="coordinate"/>, in the input frame.</summary>
    float[] Coordinates(double coordinate);
}
