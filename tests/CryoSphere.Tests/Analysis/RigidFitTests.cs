using CryoSphere.Analysis;
using CryoSphere.Geometry;
using CryoSphere.Imaging;
using Xunit.Abstractions;
using CryoSphere.IO;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Analysis;

/// <summary>
/// <see cref="RigidFit"/> recovers a known rigid transform: 1AKE chain A's map is rendered in place, the chain is
/// moved by a random rotation and translation, and the fit must bring every Cα back (RMSD to the original).
/// </summary>
public class RigidFitTests(ITestOutputHelper log)
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");
    private const int N = 32;
    private const double Apix = 3;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RecoversARandomRigidTransformToUnderOneAngstrom(int seed)
    {
        set_num_threads(1);
        var s = StructureReader.ReadStructure(Ake, ["A"]);
        var c = s.Centroid();
        var truth = (float[])s.Coordinates.Clone();
        for (int i = 0; i < truth.Length; i += 3) { truth[i] -= (float)c.X; truth[i + 1] -= (float)c.Y; truth[i + 2] -= (float)c.Z; }
        float[] map;
        using (var scope = NewDisposeScope())
            map = VolumeRenderer.RenderToArray(tensor(truth, [s.Count, 3]), tensor(s.Amplitudes), 2.0, new ImageGrid(N, Apix));

        var rng = new Random(100 + seed);
        double[] rot = Rotations.UniformRandom(rng);
        double[] shift = Enumerable.Range(0, 3).Select(_ => 8 * (2 * rng.NextDouble() - 1)).ToArray();
        var moved = new float[truth.Length];
        for (int i = 0; i < s.Count; i++)
        {
            double[] v = Rotations.Apply(rot, [truth[3 * i], truth[3 * i + 1], truth[3 * i + 2]]);
            for (int k = 0; k < 3; k++) moved[3 * i + k] = (float)(v[k] + shift[k]);
        }

        var fit = RigidFit.Fit(moved, s.Amplitudes, map, N, Apix, new RigidFit.Options { Seed = seed });
        double sum = 0;
        for (int i = 0; i < s.Count; i++)
        {
            var (x, y, z) = fit.Apply(moved[3 * i], moved[3 * i + 1], moved[3 * i + 2]);
            double dx = x - truth[3 * i], dy = y - truth[3 * i + 1], dz = z - truth[3 * i + 2];
            sum += dx * dx + dy * dy + dz * dz;
        }
        double rmsd = Math.Sqrt(sum / s.Count);
        double before = RigidFit.Correlation(moved, s.Amplitudes, map, N, Apix, 2.0);
        log.WriteLine($"seed {seed}: RMSD {rmsd:F3} Å, correlation {before:F3} → {fit.Correlation:F4}");
        Assert.True(rmsd < 1.0, $"Cα RMSD {rmsd:F3} Å after the fit (correlation {before:F3} → {fit.Correlation:F4})");
        Assert.True(fit.Correlation > before);
    }
}
