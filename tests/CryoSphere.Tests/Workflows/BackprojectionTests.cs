using Xunit.Abstractions;
using CryoSphere.Analysis;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Simulation;
using CryoSphere.Workflows;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Workflows;

/// <summary>
/// Backprojection of simulated particles (1AKE chain A, uniform poses, CTF, shifts, a rigid structure) against the
/// truth map rendered independently by <see cref="VolumeRenderer"/> from the simulation's base.pdb.
/// </summary>
public class BackprojectionTests(ITestOutputHelper log)
{
    private readonly ITestOutputHelper _log = log;
    private static readonly string Ake = TestData.Structure("1ake.pdb");
    private const int N = 32;
    private const double Apix = 3;

    private static string Simulate(int images, double? snr, int seed)
    {
        set_num_threads(1);
        string dir = TestData.TempDir("bp-sim");
        // A hinge of range [0, 0] is a rigid structure: every image shows the same map.
        Simulator.Run(new SimulationOptions
        {
            StructurePath = Ake, Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"], Axis = "A:118,A:167", Range = [0, 0],
            NImages = images, Npix = N, Apix = Apix, Snr = snr, ShiftMax = 4, Astigmatism = 300, Seed = seed, OutDirValue = dir,
        });
        return dir;
    }

    private static float[] Render(string pdb, bool mirror = false)
    {
        var s = StructureReader.ReadStructure(pdb);
        var xyz = (float[])s.Coordinates.Clone();
        if (mirror) for (int i = 0; i < xyz.Length; i += 3) xyz[i] = -xyz[i];
        using var scope = NewDisposeScope();
        return VolumeRenderer.RenderToArray(tensor(xyz, [s.Count, 3]), tensor(s.Amplitudes), 2.0, new ImageGrid(N, Apix));
    }

    private static double Pearson(float[] a, float[] b)
    {
        double ma = a.Average(v => (double)v), mb = b.Average(v => (double)v), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { double x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; }
        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void NoiseFreeParticlesRebuildTheTruthMapAndItsHand()
    {
        string sim = Simulate(2000, null, 11);
        string outDir = TestData.TempDir("bp");
        var r = Backprojection.Run(new BackprojectOptions { Particles = Path.Combine(sim, "particles.star"), OutDir = outDir, Regulariser = 1e-3 });
        Assert.Equal(2000, r.Images);
        foreach (var f in new[] { "half1.mrc", "half2.mrc", "map.mrc", "fsc.csv", "fsc.png" }) Assert.True(File.Exists(Path.Combine(outDir, f)), f);

        var map = MrcVolume.Read(Path.Combine(outDir, "map.mrc"));
        Assert.Equal(Apix, map.VoxelSize, 1e-6);
        Assert.Equal(-(N / 2) * Apix, map.Origin.X, 1e-6);   // the same box frame as `volume`
        float[] truth = Render(Path.Combine(sim, "base.pdb"));
        double[] fsc = Fsc.Curve(map.Data, truth, N);
        string curve = string.Join(" ", fsc.Select(v => v.ToString("F3")));
        for (int sh = 1; sh <= 2 * (N / 2) / 3; sh++) Assert.True(fsc[sh] >= 0.9, $"FSC to truth, shell {sh}: {curve}");

        // Hand: a chiral chain correlates with itself better than with its mirror image (x → −x about the box centre).
        double own = Pearson(map.Data, truth), mirror = Pearson(map.Data, Render(Path.Combine(sim, "base.pdb"), mirror: true));
        Assert.True(own - mirror > 0.1, $"correlation with own map {own:F3}, with mirror {mirror:F3}");
        _log.WriteLine($"FSC to truth: {curve}; correlation own {own:F3}, mirror {mirror:F3}; {r.Seconds:F1} s, peak RSS {r.PeakRssMiB:F0} MiB");
    }

    [Fact]
    public void HalfMapFscAt0143MatchesFscToTruthAt05WithNoise()
    {
        string sim = Simulate(2000, 0.05, 12);
        string outDir = TestData.TempDir("bp");
        var r = Backprojection.Run(new BackprojectOptions { Particles = Path.Combine(sim, "particles.star"), OutDir = outDir });
        var map = MrcVolume.Read(Path.Combine(outDir, "map.mrc"));
        double[] truthFsc = Fsc.Curve(map.Data, Render(Path.Combine(sim, "base.pdb")), N);
        double truth05 = Fsc.Resolution(truthFsc, N, Apix, 0.5);
        // In shells (N·apix / resolution): the 0.143 criterion on half-maps estimates the full map's 0.5 to truth.
        double shellHalf = N * Apix / r.Resolution0143, shellTruth = N * Apix / truth05;
        string msg = $"half-map 0.143: {r.Resolution0143:F2} Å (shell {shellHalf:F2}); truth 0.5: {truth05:F2} Å (shell {shellTruth:F2}); half {string.Join(" ", r.Fsc.Select(v => v.ToString("F2")))}; truth {string.Join(" ", truthFsc.Select(v => v.ToString("F2")))}";
        Assert.True(shellTruth < N / 2 - 1, "resolution must be below Nyquist for the comparison to mean anything: " + msg);
        Assert.True(Math.Abs(shellHalf - shellTruth) <= 1, msg);
        _log.WriteLine(msg);
    }

    [Fact]
    public void HalfSetsAreBalancedAndSeeded()
    {
        int[] a = Backprojection.HalfSets(1001, 5), b = Backprojection.HalfSets(1001, 5), c = Backprojection.HalfSets(1001, 6);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(500, a.Count(h => h == 1));
    }
}
