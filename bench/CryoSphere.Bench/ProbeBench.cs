using CryoSphere.Analysis;
using CryoSphere.Data;
using CryoSphere.IO;
using CryoSphere.Imaging;
using CryoSphere.Model;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// How much of a simulated motion the encoder's architecture can read from its inputs when told the answer: a fresh
/// encoder of the run's shape (same input side, preprocessing and hidden layers) trained by least squares on the true
/// coordinate of a training split, scored by Pearson r on particles it never saw. Beside the per-image ceiling (what
/// the images hold) and the run's |r| (what the VAE found), it says whether a poor result is the encoder's reach or
/// the unsupervised signal that trains it.
/// </summary>
internal sealed class ProbeBench : IBenchmark
{
    public string Name => "probe";
    public string Usage => "--run DIR --sim DIR [--epochs 30 --lr 3e-4 --batch 64 --held-out 0.1 --seed 1 --threads 1 --coordinate 0 --side S --hidden a,b,c --undo-psi true --features image|forces --scale set|image --pca K --rigid-starts i,j,… --whiten true --particles N]: supervised encoder, held-out r per epoch";

    public int Run(BenchArgs a)
    {
        string runDir = a.String("run") ?? throw new ArgumentException("--run DIR is required (its config gives the encoder's input and shape)");
        string sim = a.String("sim") ?? throw new ArgumentException("--sim DIR is required");
        torch.set_num_threads(a.Int("threads", 1));
        int epochs = a.Int("epochs", 30), batch = a.Int("batch", 64), seed = a.Int("seed", 1);
        double lr = a.Double("lr", 3e-4), heldOut = a.Double("held-out", 0.1);
        var truth = TruthTable.Read(Path.Combine(sim, "truth.csv"));
        using var tr = TrainedRun.Open(runDir);
        // --coordinate -1: the cosine of each particle's tilt (R₂₂ of its pose), a target any encoder should read: the check that the probe can generalise.
        double[] y = a.Int("coordinate", 0) >= 0 ? truth.Columns[a.Int("coordinate", 0)]
            : Enumerable.Range(0, tr.ParticleCount).Select(i => (double)tr.Setup.Particles.Table.Rotations![9 * i + 8]).ToArray();
        using var guard = NativeCallGuard.Enter();
        bool forces = a.String("features") == "forces";
        Tensor inputs = forces ? Forces(tr, a.String("scale") == "image", null) : EncoderInputs(tr);
        int n = tr.ParticleCount, side = tr.Setup.EncoderSide;
        // The forces summed into each part's net force and torque about its centroid (6 per part, parts starting at the
        // given residue indices): what a decoder of rigid segments can read of them, the rest being noise to it.
        if (forces && a.String("rigid-starts") is { } starts)
        {
            int[] st = starts.Split(',').Select(int.Parse).ToArray();
            inputs = RigidForceSpectrum.GeneralisedForces(inputs, tr.Setup.BaseCoords, st);
            Console.WriteLine($"net force and torque of {st.Length} parts starting at residue indices {starts}");
            // In the metric of the forces white noise alone gives at the same poses and CTFs; the top component of all
            // particles, found without the truth, is what a learner of these parts can reach (RigidForceSpectrum).
            if (a.String("whiten") == "true")
            {
                Tensor noise = RigidForceSpectrum.GeneralisedForces(Forces(tr, a.String("scale") == "image", seed + 1000), tr.Setup.BaseCoords, st);
                int m = a.Int("particles", n);
                double rSpectral = Statistics.Pearson(RigidForceSpectrum.TopComponent(inputs.narrow(0, 0, m), noise), y[..m]);
                Console.WriteLine($"spectral estimate in the noise's metric, {m} particles: |r| {Math.Abs(rSpectral):F3}");
                inputs = RigidForceSpectrum.Whiten(inputs, noise).to_type(ScalarType.Float32);
            }
        }
        // Variants of the encoder: each particle turned back by its in-plane angle, fewer input pixels (Fourier crop),
        // other hidden layers.
        if (!forces && a.String("undo-psi") == "true" && tr.Setup.Particles.Table.Rotations is { } rot)
            inputs = Imaging.InPlaneRotation.TurnBack(inputs, Imaging.InPlaneRotation.Psi(tensor(rot, [n, 3, 3])));
        if (!forces && a.String("side") is not null && a.Int("side", side) != side) (inputs, side) = (Imaging.Fourier.FourierCrop(inputs, a.Int("side", side)), a.Int("side", side));
        // --particles N: the first N only, to see how what can be learned grows with the data set's size.
        if (a.Int("particles", n) < n) { n = a.Int("particles", n); inputs = inputs.narrow(0, 0, n); y = y[..n]; }
        int[] hidden = a.String("hidden") is { } h ? h.Split(',').Select(int.Parse).ToArray() : tr.Options.EncoderHidden;
        double mean = y.Average(), sd = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Average());
        Tensor target = tensor(y.Select(v => (float)((v - mean) / sd)).ToArray());

        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        int nTest = (int)Math.Round(n * heldOut);
        Tensor test = tensor(order[..nTest].Select(i => (long)i).ToArray()), train = tensor(order[nTest..].Select(i => (long)i).ToArray());

        manual_seed(seed);
        inputs = inputs.reshape(n, -1);
        if (a.Int("pca", 0) is > 0 and var kPca) inputs = PrincipalComponents(inputs, train, test, target, kPca);
        // The encoder's MLP with one output: the coordinate's estimate.
        using var encoder = new Mlp("probe", [(int)inputs.shape[1], .. hidden, 1]);
        using var opt = optim.Adam(encoder.parameters(), lr);
        var gen = new Generator().manual_seed(seed);
        Console.WriteLine($"{n - nTest} training / {nTest} held-out particles, encoder input {(a.Int("pca", 0) > 0 ? $"top {inputs.shape[1]} PCs of the " : "")}{(forces ? $"forces on {tr.Setup.BaseCoords.shape[0]} Cα" : $"{side} px")}, hidden {string.Join(",", hidden)}");
        for (int e = 1; e <= epochs; e++)
        {
            encoder.train();
            Tensor perm = train.index_select(0, randperm(train.shape[0], generator: gen));
            for (long s = 0; s < perm.shape[0]; s += batch)
            {
                using var scope = NewDisposeScope();
                Tensor idx = perm.narrow(0, s, Math.Min(batch, perm.shape[0] - s));
                Tensor mu = encoder.call(inputs.index_select(0, idx));
                Tensor loss = (mu.squeeze(1) - target.index_select(0, idx)).square().mean();
                opt.zero_grad();
                loss.backward();
                opt.step();
            }
            Console.WriteLine($"epoch {e}: r train {Score(encoder, inputs, target, train):F3}, r held-out {Score(encoder, inputs, target, test):F3}");
        }
        return 0;
    }

    // The run's encoder input for every particle, computed once (no gradient; the images are data).
    private static Tensor EncoderInputs(TrainedRun tr)
    {
        var setup = tr.Setup;
        int side = setup.EncoderSide;
        var all = zeros(tr.ParticleCount, side, side);
        var objective = new BatchObjective(setup, null, new PixelStatistics(tr.Meta.ImageMean, tr.Meta.ImageStd, 0));
        using var noGrad = no_grad();
        foreach (var pb in PreparedBatch.Each(objective, new BatchLoader(setup.Particles, 256, 0, null).Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            Tensor idx = tensor(pb.HostIndices[..pb.Count].Select(i => (long)i).ToArray());
            all.index_copy_(0, idx, objective.EncoderInput(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf).cpu());
        }
        return all;
    }

    // Per particle, the gradient of its correlation with the base structure's prediction with respect to each Cα
    // (R·3 values in the molecule's frame, so alike for one conformation at every pose), scaled to unit RMS over the set.
    private static Tensor Forces(TrainedRun tr, bool perImageScale, int? noiseSeed)
    {
        var setup = tr.Setup;
        int r = (int)setup.BaseCoords.shape[0];
        var all = zeros(tr.ParticleCount, 3 * r);
        var objective = new BatchObjective(setup, null, new PixelStatistics(tr.Meta.ImageMean, tr.Meta.ImageStd, 0));
        var gen = noiseSeed is { } ns ? new Generator().manual_seed(ns) : null;
        foreach (var pb in PreparedBatch.Each(objective, new BatchLoader(setup.Particles, 256, 0, null).Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            Tensor coords = setup.BaseCoords.unsqueeze(0).expand(pb.Count, -1, -1).clone().requires_grad_(true);
            // With a noise seed: white Gaussian noise in place of each image (the simulator's noise model).
            Tensor images = gen is null ? pb.Images : randn(pb.Images.shape, generator: gen).to(pb.Images.device);
            var (target, pred) = objective.TargetAndPrediction(images, pb.Rotations, pb.Shifts, pb.Ctf, coords);
            var (_, perImage) = Losses.Correlation(pred, target, setup.LossMask);
            Tensor g = autograd.grad([perImage.sum()], [coords])[0];
            Tensor idx = tensor(pb.HostIndices[..pb.Count].Select(i => (long)i).ToArray());
            all.index_copy_(0, idx, g.reshape(pb.Count, -1).detach().cpu());
        }
        // One factor for the whole set changes no direction, so data and noise forces, each scaled so, share one metric.
        return perImageScale ? all / all.square().mean(new long[] { 1 }, keepdim: true).sqrt() : all / all.square().mean().sqrt();
    }

    // The inputs projected on their top K principal components (from the training split): how much of the motion
    // lies in the directions along which the particles' inputs vary most, read by each component alone and by a
    // linear least-squares fit on all K, scored on the held-out split. Returns the K projections, unit variance each.
    private static Tensor PrincipalComponents(Tensor inputs, Tensor train, Tensor test, Tensor target, int k)
    {
        using var noGrad = no_grad();
        var x = inputs.to_type(ScalarType.Float64);
        var mean = x.index_select(0, train).mean(new long[] { 0 }, keepdim: true);
        var xc = x - mean;
        var (_, sv, vh) = linalg.svd(xc.index_select(0, train), fullMatrices: false);
        k = Math.Min(k, (int)vh.shape[0]);
        var p = xc.matmul(vh.narrow(0, 0, k).t());
        p = p / p.index_select(0, train).std(new long[] { 0 }, keepdim: true);
        var t = target.to_type(ScalarType.Float64);
        var total = sv.square().sum().ToDouble();
        var shares = sv.square().narrow(0, 0, Math.Min(8, k)).data<double>().Select(v => 100 * v / total);
        Console.WriteLine("PC variance shares of the inputs: " + string.Join(" / ", shares.Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))) + " %");
        double R(Tensor pred, Tensor idx) => Statistics.Pearson(pred.index_select(0, idx).data<double>().ToArray(), t.index_select(0, idx).data<double>().ToArray());
        Console.WriteLine("|r| of each PC with the coordinate (held-out): " + string.Join(", ",
            Enumerable.Range(0, Math.Min(8, k)).Select(c => Math.Abs(R(p.select(1, c).contiguous(), test)).ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
        foreach (int m in new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 }.Where(m => m <= k))
        {
            var design = cat([p.narrow(1, 0, m), ones(p.shape[0], 1, dtype: ScalarType.Float64)], 1);
            var coef = linalg.lstsq(design.index_select(0, train), t.index_select(0, train).unsqueeze(1)).Solution;
            var pred = design.matmul(coef).squeeze(1).contiguous();
            Console.WriteLine($"linear fit on the top {m} PCs: r train {R(pred, train):F3}, r held-out {R(pred, test):F3}");
        }
        return p.to_type(ScalarType.Float32);
    }

    private static double Score(Mlp encoder, Tensor inputs, Tensor target, Tensor idx)
    {
        encoder.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor mu = encoder.call(inputs.index_select(0, idx));
        double[] p = mu.squeeze(1).to_type(ScalarType.Float64).data<double>().ToArray();
        double[] t = target.index_select(0, idx).to_type(ScalarType.Float64).data<double>().ToArray();
        return Statistics.Pearson(p, t);
    }
}
