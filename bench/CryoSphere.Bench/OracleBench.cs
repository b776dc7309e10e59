using CryoSphere.Analysis;
using CryoSphere.Simulation;

namespace CryoSphere.Bench;

/// <summary>
/// How much of a simulated motion a single image can reveal (<see cref="InformationCeiling"/>, the same code as
/// `cryosphere evaluate`'s ceiling): r(best grid value, true value) per motion coordinate.
/// </summary>
internal sealed class OracleBench : IBenchmark
{
    public string Name => "oracle";
    public string Usage => "--sim DIR [--images 500 --steps 41 (15 per coordinate for two hinges)]: r between the true motion coordinate and the best-fitting one per image";

    public int Run(BenchArgs a)
    {
        string sim = a.String("sim") ?? throw new ArgumentException("--sim is required");
        int nImg = a.Int("images", 500);
        int? steps = a.String("steps") is null ? null : a.Int("steps", InformationCeiling.Steps1D);
        var c = InformationCeiling.Compute(SimulationTruth.Open(sim), nImg, steps);
        for (int k = 0; k < c.Coordinates.Length; k++)
            Console.WriteLine($"oracle over {c.Images} images, {c.GridPoints} grid points: r(best, true {c.Coordinates[k]}) = {c.R[k]:F3}");
        if (c.StateAccuracy is { } acc) Console.WriteLine($"state (frame) accuracy {acc:F3}");
        return 0;
    }
}
