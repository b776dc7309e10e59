using CryoSphere.IO;
using CryoSphere.Analysis;
using CryoSphere.Imaging;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Analysis;

/// <summary>
/// Issue 14's acceptance for `fit` on small maps: a chain's map rendered as `volume --center` does (64³ at 3 Å),
/// the chain moved by ten seeded random rigid transforms (uniform rotation, shift up to 10 Å), and each start fitted
/// back with the default options must land within 1 Å Cα RMSD of the truth. 4CMQ and 128³ are measured by
/// `bench fit` (bench/README.md).
/// </summary>
public class RigidFitStartsTests(ITestOutputHelper log)
{
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("1ake.pdb")]
    [InlineData("2DRI.cif")]
    public void TenRandomStartsAreFittedBackToUnderOneAngstrom(string file)
    {
        const int n = 64, starts = 10;
        const double apix = 3;
        set_num_threads(1);
        var s = StructureReader.ReadStructure(TestData.Structure(file), ["A"]);
        var c = s.Centroid();
        var truth = (float[])s.Coordinates.Clone();
        for (int i = 0; i < truth.Length; i += 3) { truth[i] -= (float)c.X; truth[i + 1] -= (float)c.Y; truth[i + 2] -= (float)c.Z; }
        var options = new RigidFit.Options();
        float[] map;
        using (var scope = NewDisposeScope())
            map = VolumeRenderer.RenderToArray(tensor(truth, [s.Count, 3]), tensor(s.Amplitudes), options.Sigma, new ImageGrid(n, apix));

        var rng = new Random(14);
        var failures = new List<string>();
        for (int k = 0; k < starts; k++)
        {
            float[] moved = RigidDisplacement.Apply(RigidDisplacement.Random(rng, truth, 10), truth);
            var fit = RigidFit.Fit(moved, s.Amplitudes, map, n, apix, options);
            double before = RigidDisplacement.Rmsd(moved, truth), after = RigidDisplacement.Rmsd(RigidDisplacement.Apply(fit, moved), truth);
            log.WriteLine($"{file} start {k}: RMSD {before:F1} → {after:F3} Å, correlation {fit.Correlation:F4}");
            if (!(after < 1)) failures.Add($"start {k}: {before:F1} → {after:F2} Å");
        }
        Assert.True(failures.Count == 0, $"{file}: {string.Join("; ", failures)}");
    }
}
