using System.Diagnostics;
using System.Globalization;
using CryoSphere.Imaging;
using CryoSphere.Model;
using CryoSphere.Simulation;
using CryoSphere.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// Training throughput and where a step's time goes. Part (a) runs <see cref="Trainer.Run"/> itself
/// for a few short epochs and reads images/s from its metrics, with the peak RSS of that run. Part (b)
/// replays the steps of <see cref="BatchObjective.Compute"/> piece by piece with a stopwatch around
/// each (CPU ops are synchronous, so the stopwatch sees their whole cost), then attributes the backward
/// pass by running each piece's backward alone on detached copies of its inputs.
/// </summary>
internal sealed class TrainBench : IBenchmark
{
    private const int WarmupSteps = 2;

    public string Name => "train";

    public string Usage => "--case small|large [--threads 1 --steps 30 --structures DIR --cache /tmp/cryosphere-bench-train --memory STEPS --batch B --segments K --config YAML --data DIR --epochs 3 --split 1 --checkpoint-every 0 --collect-every 0 --guard 1 --gc-hammer 0 --loader-only 0 --encoder-input image|forces --forces-cache-mib M]: training images/s, peak RSS, per-piece time of a step";

    private sealed record BenchCase(string Name, int Batch, int Segments, Func<string, string, SimulationOptions> Simulation);

    private static readonly BenchCase[] Cases =
    [
        new("small", 128, 6, (structures, dir) => new SimulationOptions
        {
            StructurePath = Path.Combine(structures, "1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", NImages = 2000, Npix = 64, Apix = 2, Snr = 0.1, ShiftMax = 2, Seed = 1, OutDirValue = dir,
        }),
        new("large", 64, 20, (structures, dir) => new SimulationOptions
        {
            StructurePath = Path.Combine(structures, "6C6S.cif"), Chains = ["I", "D"], Motion = "hinge", Selections = ["D"],
            NImages = 1000, Npix = 128, Apix = 2, Snr = 0.1, ShiftMax = 2, Seed = 1, OutDirValue = dir,
        }),
    ];

    public int Run(BenchArgs a)
    {
        string name = a.String("case") ?? "small";
        var c = Cases.FirstOrDefault(x => x.Name == name) ?? throw new ArgumentException($"--case must be small or large (got '{name}')");
        int threads = a.Int("threads", 1), steps = a.Int("steps", 30);
        if (steps < 3 * (WarmupSteps + 1)) throw new ArgumentException($"--steps must be at least {3 * (WarmupSteps + 1)}");
        string structures = a.String("structures") ?? FindStructures();
        string data = a.String("data") ?? Path.Combine(a.String("cache") ?? "/tmp/cryosphere-bench-train", c.Name);
        if (!File.Exists(Path.Combine(data, "particles.star")))
        {
            var r = Simulator.Run(c.Simulation(structures, data));
            Console.WriteLine($"simulated {r.Images} images ({r.Residues} residues) into {data} in {r.Seconds:F1} s");
        }
        TorchRuntime.SetThreads(threads);
        string run = Path.Combine(Path.GetTempPath(), $"cryosphere-trainbench-{Guid.NewGuid():N}");
        try
        {
            var o = new TrainOptions
            {
                BaseStructurePath = Path.Combine(data, "base.pdb"), ParticlesPath = Path.Combine(data, "particles.star"), OutDir = run,
                BatchSize = c.Batch, Segmentation = [new SegmentationPartOptions { Segments = c.Segments }], Threads = threads, Seed = 1,
                KeepCheckpoints = 1,
            };
            // --kit-config: every setting from a yaml (e.g. the reference-bench kit's bench.yaml: clash, continuity, schedules).
            if (a.String("kit-config") is { } kit)
            {
                o = TrainConfigReader.Read(kit) with { OutDir = run, Threads = threads, KeepCheckpoints = 1 };
                c = c with { Batch = o.BatchSize, Segments = o.Segmentation.Sum(p => p.Segments ?? 6) };
            }
            Console.WriteLine($"case {c.Name}: batch {c.Batch}, K {c.Segments}, torch threads {get_num_threads()}, load average {LoadAverage()}");
            // --batch and --config (network sizes only) retune the trainer and memory runs, e.g. to the memory tests' settings.
            var tuned = o with { BatchSize = a.Int("batch", o.BatchSize) };
            if (a.Int("segments", 0) is > 0 and var k)
            {
                tuned = tuned with { Segmentation = [new SegmentationPartOptions { Segments = k }] };
                o = o with { Segmentation = tuned.Segmentation };
            }
            if (a.Int("threads", 1) != 1) o = o with { Threads = threads };
            if (a.String("encoder-input") is { } ei)
            {
                o = o with { EncoderInput = ei };
                tuned = tuned with { EncoderInput = ei };
            }
            if (a.String("forces-cache-mib") is not null)
            {
                o = o with { ForcesCacheMib = a.Int("forces-cache-mib", 2048) };
                tuned = tuned with { ForcesCacheMib = o.ForcesCacheMib };
            }
            if (a.String("config") is { } cfg)
            {
                var fromYaml = TrainConfigReader.Read(cfg);
                tuned = tuned with { EncoderHidden = fromYaml.EncoderHidden, DecoderHidden = fromYaml.DecoderHidden };
            }
            if (a.Int("memory", 0) is > 0 and var memorySteps)
            {
                MemorySteps(tuned, memorySteps, a.Int("checkpoint-every", 0), a.Int("loader-only", 0) != 0, a.Int("collect-every", 0), a.Int("guard", 1) != 0, a.Int("gc-hammer", 0) != 0);
                return 0;
            }
            WholeSteps(tuned, steps, a.Int("epochs", 3));
            if (a.Int("split", 1) != 0) SplitSteps(o with { OutDir = null }, steps / 2);
            Console.WriteLine($"load average at the end {LoadAverage()}");
            return 0;
        }
        finally
        {
            if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
        }
    }

    /// <summary>(a) The real trainer: a few epochs (3 by default) of steps/epochs batches; the first epoch carries the warm-up.</summary>
    private static void WholeSteps(TrainOptions o, int steps, int epochs)
    {
        int count;
        using (var probe = TrainingSetup.Create(o, needImages: false)) count = probe.Particles.Count;
        int perEpoch = Math.Min((steps + epochs - 1) / epochs, count / o.BatchSize);
        ResetPeakRss();
        var clock = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var result = Trainer.Run(o with { Epochs = epochs, NImages = perEpoch * o.BatchSize });
        double secs = clock.Elapsed.TotalSeconds;
        double cpuS = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var ips = result.Metrics.Select(r => r["images_per_s"]).ToArray();
        var rss = result.Metrics.Select(r => r["rss_mb"]).ToArray();
        Console.WriteLine($"(a) Trainer.Run: {epochs} epochs × {perEpoch} steps × {o.BatchSize} images, {secs:F1} s wall (setup and checkpoints included)");
        Console.WriteLine($"    images/s per epoch: {string.Join(", ", ips.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}" +
                          $"  → steady {ips.Skip(1).Average():F1} images/s ({1000.0 * o.BatchSize / ips.Skip(1).Average():F0} ms/step)");
        Console.WriteLine($"    CPU time of the whole run (setup, checkpoints included) {cpuS:F1} s = {1000 * cpuS / (epochs * perEpoch):F0} CPU-ms/step");
        Console.WriteLine($"    RSS per epoch (MiB): {string.Join(", ", rss.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}; peak RSS {ProcessMemory.PeakRssMiB():F0} MiB");
    }

    /// <summary>(b) The same step cut into pieces, each timed on its own.</summary>
    private static void SplitSteps(TrainOptions o, int steps)
    {
        using var setup = TrainingSetup.Create(o);
        int seed = o.Seed ?? 1;
        manual_seed(seed);
        using var model = ModelFactory.Build(o, setup);
        var (optimizer, _, _) = ModelFactory.Optimizer(model, o);
        using var optimizerScope = optimizer;
        using var gen = new Generator((ulong)seed, setup.Device);
        var objective = new BatchObjective(setup, model, setup.EstimateImageStatistics(seed));
        var loader = new CryoSphere.Data.BatchLoader(setup.Particles, o.BatchSize, seed, setup.Subset);
        var allParams = model.parameters().ToArray();
        var grid = setup.Grid;
        var t = new PieceTimes();
        int done = 0;
        ResetPeakRss();
        for (int epoch = 0; done < steps; epoch++)
        {
            int b = 0;
            foreach (var hb in loader.Epoch(epoch))
            {
                using var _ = hb;
                if (done >= steps) break;
                t.Recording = done >= WarmupSteps;
                var w = LossWeights.At(new TrainingBudget(o, loader.BatchesPerEpoch), grid.N, epoch, (double)b++ / loader.BatchesPerEpoch);
                var stepClock = Stopwatch.StartNew();
                using (NativeCallGuard.Enter())
                {
                    var scope = NewDisposeScope();
                    var (imgs, rot, sh, ctf, idx) = t.Time("prepare batch (host → tensors, crop, CTF)", () => objective.Prepare(hb));
                    using var ctfScope = ctf;
                    // The encoder's input as the trainer makes it (image: shift, phase flip, mask; forces: a render forward and backward).
                    var (encIn, target) = t.Time($"encoder input ({o.EncoderInput}) + low-pass", () =>
                        (objective.EncoderInput(imgs, rot, sh, ctf), o.LpBandwidth is { } lp ? LowPass.Apply(imgs, grid, lp) : imgs));
                    var (mu, sigma) = t.Time("encoder forward", () => model.Encode(encIn, idx));
                    Tensor coords = t.Time("decoder + segmentation + deformation", () => Decode(model, setup, mu, sigma, gen));
                    Tensor proj = t.Time("rendering (RotateAndProject)", () => GaussianRenderer.RotateAndProject(coords, rot, setup.Amplitudes, o.SigmaGmm, grid));
                    Tensor pred = t.Time("FFT/CTF (ImageFormation.Apply)", () => ImageFormation.Apply(proj, ctf, sh, grid));
                    Tensor total = t.Time("loss terms", () => { var l = Loss(setup, model, pred, target, coords, mu, sigma, w); l.ToDouble(); return l; });
                    t.Time("backward", () => { optimizer.zero_grad(); total.backward(); return 0; });
                    bool finite = t.Time("gradient-norm check", () =>
                        double.IsFinite(allParams.Where(p => p.grad is not null).Select(p => p.grad!.pow(2).sum()).Aggregate((x, y) => x + y).ToDouble()));
                    if (finite) t.Time("optimizer step", () => { AdamStep.Apply(optimizer); return 0; });
                    double stepMs = stepClock.Elapsed.TotalMilliseconds;

                    // Backward attribution: each piece again, on detached inputs, its backward alone.
                    using (var iso = NewDisposeScope())
                    {
                        Tensor m = mu.detach().requires_grad_(true), s = sigma.detach().requires_grad_(true);
                        Tensor cd = coords.detach().requires_grad_(true), pj = proj.detach().requires_grad_(true), pr = pred.detach().requires_grad_(true);
                        t.Backward("encoder", () => { var (mu2, sigma2) = model.Encode(encIn.detach(), idx); return [mu2, sigma2]; });
                        t.Backward("decoder + segmentation + deformation", () => [Decode(model, setup, m, s, gen)]);
                        t.Backward("rendering", () => [GaussianRenderer.RotateAndProject(cd, rot, setup.Amplitudes, o.SigmaGmm, grid)]);
                        t.Backward("FFT/CTF", () => [ImageFormation.Apply(pj, ctf, sh, grid)]);
                        t.Backward("loss terms", () => [Loss(setup, model, pr, target, cd, m, s, w)]);
                        t.Backward("  of which correlation", () => [Losses.Correlation(pr, target, setup.LossMask).Loss]);
                        t.Backward("  of which continuity", () => [Losses.Continuity(cd, setup.BaseCoords, setup.NeighbourPairs)]);
                        t.Backward("  of which l2", () => [Losses.L2(model.WeightMatrices())]);
                        t.Backward("  of which KL segmentation", () => [model.Segmentation.KlMeans() + model.Segmentation.KlStd() + model.Segmentation.KlProportions()]);
                        if (setup.ClashPairs is { } cp) t.Backward("  of which light clash", () => [Losses.Clash(cd, cp, o.ClashCutoff)]);
                        optimizer.zero_grad();
                    }
                    var disposeClock = Stopwatch.StartNew();
                    t.Time("dispose step tensors", () => { scope.Dispose(); return 0; });
                    t.Step(stepMs + disposeClock.Elapsed.TotalMilliseconds);
                }
                done++;
            }
        }
        double peak = ProcessMemory.PeakRssMiB();
        t.Print(steps - WarmupSteps, o.BatchSize);
        Console.WriteLine($"    peak RSS during (b) {peak:F0} MiB (includes the isolated backward passes)");
    }

    /// <summary>(c) Resident memory over many steps of the trainer's step, with the managed heap and live tensors beside it.</summary>
    private static void MemorySteps(TrainOptions o, int steps, int checkpointEvery, bool loaderOnly, int collectEvery, bool guard, bool gcHammer)
    {
        using var setup = TrainingSetup.Create(o);
        int seed = o.Seed ?? 1;
        manual_seed(seed);
        using var model = ModelFactory.Build(o, setup);
        var (optimizer, _, _) = ModelFactory.Optimizer(model, o);
        using var optimizerScope = optimizer;
        using var gen = new Generator((ulong)seed, setup.Device);
        var objective = new BatchObjective(setup, model, setup.EstimateImageStatistics(seed));
        var loader = new CryoSphere.Data.BatchLoader(setup.Particles, o.BatchSize, seed, setup.Subset);
        var allParams = model.parameters().ToArray();
        Console.WriteLine($"(c) memory over {steps} steps of batch {o.BatchSize}, {setup.Grid.N} px");
        Console.WriteLine($"    {"step",6} {"RSS MiB",8} {"after trim",10} {"GC heap MiB",11} {"GC committed",12} {"gen0/1/2 GCs",14} {"live tensors",12} {"GC pause ms",11}");
        int done = 0;
        // --gc-hammer: another thread collects and runs finalizers without pause. With --guard 0 any Scalar left to
        // the finalizer inside the step can then be freed while libtorch reads it: a crash or a wrong value within
        // a few hundred steps if the step makes one.
        using var stopHammer = new CancellationTokenSource();
        var hammer = gcHammer ? Task.Run(() => { while (!stopHammer.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); } }) : Task.CompletedTask;
        for (int epoch = 0; done < steps; epoch++)
            foreach (var hb in loader.Epoch(epoch))
            {
                using var _ = hb;
                if (done >= steps) break;
                var w = LossWeights.At(new TrainingBudget(o, loader.BatchesPerEpoch), setup.Grid.N, epoch, 0.5);
                if (!loaderOnly)
                using (guard ? NativeCallGuard.Enter() : default)
                using (var scope = NewDisposeScope())
                {
                    var (imgs, rot, sh, ctf, idx) = objective.Prepare(hb);
                    using var ctfScope = ctf;
                    var loss = objective.Compute(imgs, rot, sh, ctf, idx, w, gen);
                    foreach (var (_, v) in loss.Terms) v.ToDouble();
                    optimizer.zero_grad();
                    loss.Total.backward();
                    stack(allParams.Where(p => p.grad is not null).Select(p => p.grad!.square().sum()).ToArray()).sum().ToDouble();
                    AdamStep.Apply(optimizer);   // as the trainer does
                }
                done++;
                if (collectEvery > 0 && done % collectEvery == 0) GC.Collect();
                if (checkpointEvery > 0 && done % checkpointEvery == 0)
                {
                    string ckpt = Path.Combine(Path.GetTempPath(), $"cryosphere-trainbench-{Environment.ProcessId}.ckpt");
                    Checkpoint.Save(ckpt, new CheckpointMeta { Seed = seed, Epoch = done }, model, optimizer, gen);
                    File.Delete(ckpt);
                }
                if (done % 50 == 0 || done == 1) PrintMemory(done.ToString(CultureInfo.InvariantCulture));
            }
        stopHammer.Cancel();
        hammer.Wait();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        PrintMemory("full GC");
        MallocTrim(0);
        PrintMemory("trim");
    }

    private static void PrintMemory(string when)
    {
        var info = GC.GetGCMemoryInfo();
        double rss = ProcessMemory.RssMiB();
        // What glibc holds freed but unreturned: the RSS drop a trim gives.
        MallocTrim(0);
        Console.WriteLine($"    {when,6} {rss,8:F0} {ProcessMemory.RssMiB(),10:F0} {info.HeapSizeBytes / 1048576.0,11:F1} {info.TotalCommittedBytes / 1048576.0,12:F1} " +
                          $"{$"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}",14} {Tensor.TotalCount,12} {GC.GetTotalPauseDuration().TotalMilliseconds,11:F0}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static Tensor Decode(VaeModel model, TrainingSetup setup, Tensor mu, Tensor sigma, Generator gen)
    {
        // Same order of draws as VaeModel.Forward.
        Tensor z = LatentSampler.Sample(mu, sigma, gen);
        Tensor g = model.Segmentation.Sample((int)z.shape[0], gen);
        var (axes, angles, tr) = model.Motion(z, setup.BaseCoords);
        return Deformation.Apply(setup.BaseCoords, g, axes, angles, tr);
    }

    /// <summary>The weighted loss exactly as <see cref="BatchObjective.Compute"/> sums it.</summary>
    private static Tensor Loss(TrainingSetup setup, VaeModel model, Tensor pred, Tensor target, Tensor coords, Tensor mu, Tensor sigma, LossWeights w)
    {
        var o = setup.Options;
        var (corr, _) = Losses.Correlation(pred, target, setup.LossMask);
        Tensor total = corr;
        if (w.KlLatent != 0) total = total + w.KlLatent * Losses.KlLatent(mu, sigma);
        var seg = model.Segmentation;
        if (w.KlSegMean != 0) total = total + w.KlSegMean * seg.KlMeans();
        if (w.KlSegStd != 0) total = total + w.KlSegStd * seg.KlStd();
        if (w.KlSegProportions != 0) total = total + w.KlSegProportions * seg.KlProportions();
        if (w.Continuity != 0) total = total + w.Continuity * Losses.Continuity(coords, setup.BaseCoords, setup.NeighbourPairs);
        if (w.Clash != 0)
            total = total + w.Clash * (o.FullClashLoss || setup.ClashPairs is null
                ? Losses.ClashFull(coords, setup.NeighbourPairs, o.ClashCutoff)
                : Losses.Clash(coords, setup.ClashPairs, o.ClashCutoff));
        if (w.L2 != 0) total = total + w.L2 * Losses.L2(model.WeightMatrices());
        return total;
    }

    /// <summary>Accumulated milliseconds per piece, printed as a table.</summary>
    private sealed class PieceTimes
    {
        private readonly List<(string Name, double Ms)> _pieces = [];
        private readonly List<(string Name, double Ms)> _backward = [];
        private readonly List<(string Name, double Ms)> _cpu = [];
        private double _steps;
        public bool Recording { get; set; }

        public T Time<T>(string name, Func<T> f)
        {
            var sw = Stopwatch.StartNew();
            var cpu0 = CpuMs();
            T r = f();
            Add(_pieces, name, sw.Elapsed.TotalMilliseconds);
            Add(_cpu, name, CpuMs() - cpu0);
            return r;
        }

        // Process CPU time: moves less than wall-clock time with the other users' load (one torch thread).
        private static double CpuMs()
        {
            // clock_gettime(CLOCK_PROCESS_CPUTIME_ID): ns resolution (Process.TotalProcessorTime counts 10 ms ticks).
            ClockGettime(2, out var ts);
            return ts.Sec * 1e3 + ts.Nsec * 1e-6;
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec { public long Sec, Nsec; }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGettime(int clock, out TimeSpec ts);

        public void Step(double ms)
        {
            if (Recording) _steps += ms;
        }

        public void Backward(string name, Func<Tensor[]> forward)
        {
            var outs = forward();
            // A fixed random cotangent per output; the sum's own backward is negligible next to the piece's.
            Tensor scalar = outs.Select(x => (x * randn_like(x)).sum()).Aggregate((x, y) => x + y);
            double cpu0 = CpuMs();
            scalar.backward();
            Add(_backward, name, CpuMs() - cpu0);
        }

        private void Add(List<(string Name, double Ms)> list, string name, double ms)
        {
            if (!Recording) return;
            int i = list.FindIndex(x => x.Name == name);
            if (i < 0) list.Add((name, ms));
            else list[i] = (name, list[i].Ms + ms);
        }

        public void Print(int steps, int batch)
        {
            double sum = _pieces.Sum(x => x.Ms);
            Console.WriteLine($"(b) time split over {steps} steps (after {WarmupSteps} warm-up steps), batch {batch}:");
            double csum = _cpu.Sum(x => x.Ms);
            Console.WriteLine($"    {"piece",-44} {"ms/step",9} {"%",6} {"CPU-ms",8} {"%",6}");
            foreach (var (n, ms) in _pieces)
            {
                double c = _cpu.First(x => x.Name == n).Ms;
                Console.WriteLine($"    {n,-44} {ms / steps,9:F1} {100 * ms / sum,6:F1} {c / steps,8:F1} {100 * c / csum,6:F1}");
            }
            Console.WriteLine($"    {"sum of CPU time",-44} {"",9} {"",6} {csum / steps,8:F1}   → {1000.0 * batch * steps / csum:F1} images per CPU-s");
            Console.WriteLine($"    {"sum of pieces",-44} {sum / steps,9:F1} {100.0,6:F1}   → {1000.0 * batch * steps / sum:F1} images/s");
            Console.WriteLine($"    {"whole step (one stopwatch)",-44} {_steps / steps,9:F1}");
            double bsum = _backward.Sum(x => x.Ms);
            Console.WriteLine($"    backward of each piece alone (detached inputs), CPU-ms:");
            foreach (var (n, ms) in _backward) Console.WriteLine($"      {n,-42} {ms / steps,9:F1} {100 * ms / bsum,6:F1}");
            Console.WriteLine($"      {"sum",-42} {bsum / steps,9:F1}");
        }
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) so the next reading covers only what follows (Linux ≥ 4.0).</summary>
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine("    (cannot reset the peak RSS mark; peaks include earlier work)");
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string FindStructures()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, "shared", "data", "structures");
                if (File.Exists(Path.Combine(p, "1ake.pdb"))) return p;
            }
        throw new ArgumentException("--structures DIR (holding 1ake.pdb and 6C6S.cif) is required: shared/data/structures not found");
    }
}
