using CryoSphere.Analysis;
using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Model;
using CryoSphere.Simulation;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// Where a run stands on its own data term: per particle, the loss's correlation of the base structure, of the true
/// structure and of the model's (decoded from the latent mean, segmentation at its posterior means), each through the
/// run's own projection, CTF, shift and mask. A model that gains less over the base than the truth does has signal
/// left to learn; one that gains more fits noise. The per-particle correlation of the two gains says whether the
/// model's gain is the truth's.
/// </summary>
internal sealed class DataTermBench : IBenchmark
{
    public string Name => "dataterm";
    public string Usage => "--run DIR --sim DIR [--images 1000 --epoch N --threads 1]: correlation of base, truth and model per particle";

    public int Run(BenchArgs a)
    {
        var (tr, sim) = a.OpenRunAndSimulation();
        using var opened = tr;
        var truth = SimulationTruth.Open(sim);
        int k = Math.Min(a.Int("images", 1000), tr.ParticleCount);
        var setup = tr.Setup;
        var baseHost = setup.BaseCoords.cpu().contiguous().data<float>().ToArray();
        var truthBase = truth.Base.Coordinates;
        if (truthBase.Length != baseHost.Length)
            throw new ArgumentException($"the run's base structure has {baseHost.Length / 3} residues, the simulation's {truthBase.Length / 3}");
        // The run may hold its base structure in another frame than the simulation's box: a translation, checked.
        var delta = new float[3];
        int r = baseHost.Length / 3;
        for (int i = 0; i < r; i++) for (int c = 0; c < 3; c++) delta[c] += (baseHost[3 * i + c] - truthBase[3 * i + c]) / r;
        double misfit = 0;
        for (int i = 0; i < r; i++) for (int c = 0; c < 3; c++) misfit = Math.Max(misfit, Math.Abs(baseHost[3 * i + c] - truthBase[3 * i + c] - delta[c]));
        Console.WriteLine($"run base = simulation base + ({delta[0]:F2}, {delta[1]:F2}, {delta[2]:F2}) Å, largest residual {misfit:F3} Å");

        var (_, hardRaw, segs) = tr.Segmentation();
        // −1 (a residue no segment moves) counts as one more group, the last.
        var hard = hardRaw.Select(h => h < 0 ? segs : (int)h).ToArray();
        segs++;
        var sqModel = new double[segs];
        var sqTruth = new double[segs];
        var members = new int[segs];
        foreach (var h in hard) members[h]++;
        var subset = Enumerable.Range(0, k).ToArray();
        var z = tr.LatentMeans(subset: subset);
        var cBase = new double[k];
        var cTruth = new double[k];
        var cModel = new double[k];
        using var noGrad = no_grad();
        var objective = new BatchObjective(setup, tr.Vae, new PixelStatistics(tr.Meta.ImageMean, tr.Meta.ImageStd, 0));
        var loader = new BatchLoader(setup.Particles, 128, 0, subset);
        foreach (var pb in PreparedBatch.Each(objective, loader.Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            using var scope = NewDisposeScope();
            int b = pb.Count;
            var states = new float[b * r * 3];
            var zs = new float[b * tr.LatentDim];
            for (int j = 0; j < b; j++)
            {
                int i = pb.HostIndices[j];
                var s = truth.State(truth.Coordinates.Row(i));
                for (int q = 0; q < r; q++) for (int c = 0; c < 3; c++) states[(j * r + q) * 3 + c] = s[3 * q + c] + delta[c];
                Array.Copy(z, i * tr.LatentDim, zs, j * tr.LatentDim, tr.LatentDim);
            }
            var device = setup.Device;
            var coordsTruth = tensor(states, [b, r, 3]).to(device);
            var coordsBase = setup.BaseCoords.unsqueeze(0).expand(b, -1, -1);
            var coordsModel = tr.Vae.Decode(tensor(zs, [b, tr.LatentDim]).to(device), setup.BaseCoords, meanSegmentation: true);
            double[] PerImage(Tensor coords)
            {
                var (target, pred) = objective.TargetAndPrediction(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf, coords);
                var (_, per) = Losses.Correlation(pred, target, setup.LossMask);
                return per.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            }
            // Per segment (hard assignment), the squared displacement from the base of the model's and the truth's residues.
            var dm = (coordsModel - coordsBase).square().sum([2]).sum([0]).cpu().to_type(ScalarType.Float64).data<double>().ToArray();
            var dt = (coordsTruth - coordsBase).square().sum([2]).sum([0]).cpu().to_type(ScalarType.Float64).data<double>().ToArray();
            for (int q = 0; q < r; q++)
            {
                sqModel[hard[q]] += dm[q];
                sqTruth[hard[q]] += dt[q];
            }
            var pbBase = PerImage(coordsBase);
            var pt = PerImage(coordsTruth);
            var pm = PerImage(coordsModel);
            for (int j = 0; j < b; j++)
            {
                int i = pb.HostIndices[j];
                cBase[i] = pbBase[j];
                cTruth[i] = pt[j];
                cModel[i] = pm[j];
            }
        }
        double mb = cBase.Average(), mt = cTruth.Average(), mm = cModel.Average();
        var gT = cTruth.Zip(cBase, (x, y) => x - y).ToArray();
        var gM = cModel.Zip(cBase, (x, y) => x - y).ToArray();
        Console.WriteLine($"epoch {tr.Meta.Epoch}, {k} particles: mean correlation base {mb:F6}, truth {mt:F6}, model {mm:F6}");
        Console.WriteLine($"gain over the base: truth {mt - mb:E3}, model {mm - mb:E3} ({(mm - mb) / (mt - mb):F2} of the truth's); " +
                          $"r(model gain, truth gain) per particle {Statistics.Pearson(gM, gT):F3}");
        Console.WriteLine("RMS displacement from the base per segment (residues), model / truth, Å:");
        int start = 0;
        for (int q = 1; q <= r; q++)
        {
            if (q < r && hard[q] == hard[start]) continue;
            int g = hard[start];
            Console.WriteLine($"  segment {g,2} residues {start + 1}-{q} ({members[g]} in all): {Math.Sqrt(sqModel[g] / Math.Max(1, (long)members[g] * k)):F2} / {Math.Sqrt(sqTruth[g] / Math.Max(1, (long)members[g] * k)):F2}");
            start = q;
        }
        return 0;
    }
}
