using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Model;
using CryoSphere.Simulation;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// The per-image information ceiling of a simulated set, cached in the set's folder (ceiling.txt): for each
/// of the first K images, the grid value of the motion coordinate (41 steps over the range; every frame of a
/// trajectory) whose noise-free rendering with the image's true pose, CTF and shift correlates best with the
/// noisy image; the ceiling is r(estimate, truth).
/// </summary>
internal static class PanelCeiling
{
    public static double Cached(string sim, int images)
    {
        string p = Path.Combine(sim, "ceiling.txt");
        if (File.Exists(p)) return double.Parse(File.ReadAllText(p).Trim(), CultureInfo.InvariantCulture);
        double c = Compute(sim, images, 41);
        File.WriteAllText(p, c.ToString("R", CultureInfo.InvariantCulture));
        return c;
    }

    public static double Compute(string sim, int nImg, int steps)
    {
        var so = Simulator.ReadOptions(sim);
        var (baseS, state) = Simulator.Truth(so);
        using var ds = ParticleDataset.Open(Path.Combine(sim, "particles.star"));
        nImg = Math.Min(nImg, ds.Count);
        var truth = MotionRecovery.ReadTruthCoordinate(sim, nImg);
        double[] coords = so.Motion == "trajectory"
            ? MotionRecovery.ReadTruthCoordinate(sim, ds.Count).Distinct().Order().ToArray()
            : Enumerable.Range(0, steps).Select(i => so.Range[0] + (so.Range[1] - so.Range[0]) * i / (steps - 1)).ToArray();
        steps = coords.Length;
        var grid = new ImageGrid(ds.BoxSize, ds.PixelSize);
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
        return Statistics.Pearson(best, truth);
    }
}
