using CryoSphere.IO;

namespace CryoSphere.Data;

/// <summary>
/// The known answer of a simulated particle set, as evaluation reads it: the structure family, each particle's true
/// motion coordinates and the images. The simulator's folder is one (<c>Simulation.SimulationTruth</c>); analysis
/// code sees only this, so it does not depend on how a simulation is made or stored.
/// </summary>
public interface IGroundTruth
{
    /// <summary>Where the truth lives, for messages.</summary>
    string Folder { get; }

    /// <summary>The reference state, box frame.</summary>
    Structure Base { get; }

    /// <summary>Per particle (0…n−1), its motion coordinates; column names as in <see cref="Names"/>.</summary>
    TruthTable Coordinates { get; }

    /// <summary>Names of the motion coordinates (angle_deg, t, frame, angle_deg_1…).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The particles (poses, CTF, images) the truth describes.</summary>
    string ParticlesPath { get; }

    /// <summary>Gaussian width (Å) the images were rendered with.</summary>
    double Sigma { get; }

    /// <summary>True when the motion takes only discrete values (trajectory frames, a list of states): then
    /// <see cref="Grid"/> is exactly those values.</summary>
    bool DiscreteStates { get; }

    /// <summary>Residues that move (indices into <see cref="Base"/>) when the motion moves a set of them rigidly
    /// (hinges); null when it has no such set.</summary>
    IReadOnlySet<int>? MovingResidues { get; }

    /// <summary>Residue coordinates (R × 3, Å, box frame) of the state at <paramref name="coordinates"/>.</summary>
    float[] State(IReadOnlyList<double> coordinates);

    /// <summary>Every combination of per-coordinate grid values (<paramref name="steps"/> per coordinate, or the
    /// discrete states), the first coordinate varying slowest.</summary>
    double[][] Grid(int steps);
}
