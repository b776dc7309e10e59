using CryoSphere.Analysis;
using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Model;
using CryoSphere.Simulation;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// How much of a simulated motion a single image can reveal: for each image, the angle on a grid
/// whose noise-free rendering (true pose, CTF, shift) correlates best with the image; reports
/// r(best angle, true angle). An upper reference for what any encoder can reach at that SNR.
/// </summary>
internal sealed class OracleBench : IBenchmark
{
    public string Name => "oracle";
    public string Usage => "--sim DIR [--images 500 --steps 31]: r between the true motion coordinate and the best-fitting one per image";

    public int Run(BenchArgs a)
    {
        string sim = a.String("sim") ?? throw new ArgumentException("--sim is required");
        int nImg = a.Int("images", 500), steps = a.Int("steps", 31);
        var so = Simulator.ReadOptions(sim);
        var (baseS, state) = Simulator.Truth(so);
        var truth = MotionRecovery.ReadTruthCoordinate(sim, nImg);
        using var ds = ParticleDataset.Open(Path.Combine(sim, "particles.star"));
        var grid = new ImageGrid(ds.BoxSize, ds.PixelSize);
        double lo = so.Range[0], hi = so.Range[1];
        var coords = Enumerable.Range(0, steps).Select(i => lo + (hi - lo) * i / (steps - 1)).ToArray();
        using var amps = tensor(baseS.Amplitudes);
        using var states = tensor(coords.SelectMany(c => state(c)).ToArray(), [steps, baseS.Count, 3]);
        var best = new double[nImg];
        var buf = new float[ds.BoxSize * ds.BoxSize];
        for (int i = 0; i < nImg; i++)
        {
            using var guard = NativeCallGuard.Enter();
            using var scope = NewDisposeScope();
            ds.ReadImage(i, buf);
            var img = tensor(buf, [1, ds.BoxSize, ds.BoxSize]).expand(steps, -1, -1);
            var p = ds.Table.PoseOf(i);
            var rot = tensor(p.Rotation.Select(x => (float)x).ToArray(), [1, 3, 3]).expand(steps, -1, -1);
            using var ctf = ds.Table.Ctf is null ? null : CtfBatch.From(Enumerable.Repeat(ds.Table.Ctf[i], steps).ToArray(), CPU);
            var sh = tensor(new float[] { (float)p.ShiftXA, (float)p.ShiftYA }, [1, 2]).expand(steps, -1);
            var pred = ImageFormation.Apply(GaussianRenderer.RotateAndProject(states, rot, amps, so.Sigma, grid), ctf, sh.contiguous(), grid);
            var (_, per) = Losses.Correlation(pred, img.contiguous());
            best[i] = coords[per.argmax().ToInt64()];
        }
        double r = Statistics.Pearson(best, truth);
        Console.WriteLine($"oracle over {nImg} images, {steps} grid points: r(best, true) = {r:F3}");
        return 0;
    }
}
