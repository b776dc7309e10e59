using CryoSphere.Data;
using CryoSphere.IO;

namespace CryoSphere.Simulation;

/// <summary>
/// A simulation folder as the ground truth evaluation reads (<see cref="IGroundTruth"/>): simulation.json rebuilds
/// the structure family, truth.csv gives each particle's coordinates, particles.star the images.
/// </summary>
public sealed class SimulationTruth : IGroundTruth
{
    private SimulationTruth(string folder, SimulationOptions options, TruthFamily family, TruthTable coordinates)
    {
        Folder = folder;
        Options = options;
        Family = family;
        Coordinates = coordinates;
    }

    public string Folder { get; }
    /// <summary>The options the simulation ran with (its structure path resolved against the folder).</summary>
    public SimulationOptions Options { get; }
    public TruthFamily Family { get; }
    public TruthTable Coordinates { get; }
    public Structure Base => Family.Base;
    public IReadOnlyList<string> Names => Family.Names;
    public string ParticlesPath => Path.Combine(Folder, "particles.star");
    public double Sigma => Options.Sigma;
    public bool DiscreteStates => Family.Motion is TrajectoryMotion || Options.States is not null;

    public IReadOnlySet<int>? MovingResidues => Family.Motion switch
    {
        HingeMotion h => new HashSet<int>(h.Moving),
        IndependentHinges m => new HashSet<int>(m.Hinges.SelectMany(h => h.Moving)),
        _ => null,
    };

    public float[] State(IReadOnlyList<double> coordinates) => Family.State(coordinates);

    public double[][] Grid(int steps) => Family.Grid(steps);

    /// <summary>Opens the simulation in <paramref name="folder"/>; a missing folder or file is an input error.</summary>
    public static SimulationTruth Open(string folder)
    {
        if (!Directory.Exists(folder)) throw new InputException(folder, "simulation folder not found");
        var o = Simulator.ReadOptions(folder);
        // A relative structure path is relative to the folder (a copied or moved simulation still evaluates).
        if (!File.Exists(o.StructurePath) && !Path.IsPathRooted(o.StructurePath))
            o = o with { StructurePath = Path.Combine(folder, o.StructurePath) };
        var coordinates = TruthTable.Read(Path.Combine(folder, "truth.csv"));
        return new SimulationTruth(folder, o, Simulator.TruthFamily(o), coordinates);
    }
}
