using System.CommandLine;
using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Distributed;

namespace CryoSphere.Cli;

/// <summary>`cryosphere analyze`: latent space, traversals, segments, plots and a report for a training run.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext ctx)
    {
        var run = new Option<string>("--run") { Description = "Training run folder.", Required = true };
        var epoch = new Option<int?>("--epoch") { Description = "Use the checkpoint of this epoch (default: the newest)." };
        var outDir = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var pcs = new Option<int>("--pcs") { Description = "Principal components to traverse.", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--steps") { Description = "Structures per traversal (5th to 95th percentile).", DefaultValueFactory = _ => 10 };
        var kmeans = new Option<int>("--kmeans") { Description = "k-means clusters whose centres are decoded (0 = none).", DefaultValueFactory = _ => 5 };
        var all = new Option<bool>("--all-structures") { Description = "Write one structure per particle (multi-model files of 1000)." };
        var z = new Option<string?>("--z") { Description = "Decode these latents (n × L .npy) instead of encoding the particles." };
        var volumes = new Option<bool>("--volumes") { Description = "Write MRC maps of the traversal structures." };
        var select = new Option<string?>("--select") { Description = "Particle filter, e.g. \"pc1>0.5 & z2<0\": writes selected.star/.cs and selected_indices.txt." };
        var seed = new Option<int>("--seed") { Description = "Seed of k-means++.", DefaultValueFactory = _ => 1 };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda." };
        var shard = new Option<string?>("--shard") { Description = "i/N: encode only shard i (0-based) of N into OUT/shards/ (Slurm job arrays); then run --merge." };
        var merge = new Option<bool>("--merge") { Description = "Put together the shards in OUT/shards/ and run the whole analysis on them." };
        // The encoder's matrix products may round differently at another thread count: shards and a single process
        // write the same z.npy byte for byte when they run the same count.
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch per process (0 = auto: 1 on ≤ 2 cores).", DefaultValueFactory = _ => 0 };
        var cmd = new Command("analyze", "Analyse a trained run: latent PCA, traversals, k-means, segments, plots, report.")
        { run, epoch, outDir, pcs, steps, kmeans, all, z, volumes, select, seed, device, shard, merge, threads };
        cmd.SetAction(pr =>
        {
            TorchRuntime.SetThreads(pr.GetValue(threads));
            var o = new AnalysisOptions
            {
                RunDir = pr.GetValue(run)!,
                Epoch = pr.GetValue(epoch),
                OutDir = pr.GetValue(outDir)!,
                Pcs = pr.GetValue(pcs),
                Steps = pr.GetValue(steps),
                KMeans = pr.GetValue(kmeans),
                AllStructures = pr.GetValue(all),
                LatentsPath = pr.GetValue(z),
                Volumes = pr.GetValue(volumes),
                Select = pr.GetValue(select),
                Seed = pr.GetValue(seed),
                Device = pr.GetValue(device),
            };
            var last = DateTime.MinValue;
            var progress = new SyncProgress<(int Done, int Total)>(p =>
            {
                if ((DateTime.UtcNow - last).TotalSeconds < 5 && p.Done != p.Total) return;
                last = DateTime.UtcNow;
                ctx.Out.WriteLine($"particles: {p.Done}/{p.Total}");
            });
            // Under mpirun/srun every rank encodes its shard; rank 0 alone writes the analysis.
            using var comm = Communicators.FromEnvironment();
            if (pr.GetValue(shard) is { } spec)
            {
                var (i, count) = ShardedLatents.Parse(spec);
                using var tr = TrainedRun.Open(o.RunDir, o.Epoch, o.Device);
                var (file, start, n) = ShardedLatents.WriteShard(tr, o.OutDir, i, count, progress);
                string what = n == 0 ? $"no particles (shards start at multiples of {ShardedLatents.Unit})" : $"particles {start}–{start + n - 1}";
                ctx.Out.WriteLine($"shard {i}/{count}: {what} → {file}; when all shards are done: cryosphere analyze --run {o.RunDir} --out {o.OutDir} --merge");
                return 0;
            }
            if (pr.GetValue(merge) || comm.Size > 1)
            {
                if (o.LatentsPath is not null) throw new InputException("--z decodes given latents; it does not combine with --merge or MPI shards");
                if (!Directory.Exists(o.RunDir)) throw new InputException(o.RunDir, "run folder not found");
                using var tr = TrainedRun.Open(o.RunDir, o.Epoch, o.Device, needImages: comm.Size > 1);
                var (latents, sds) = comm.Size > 1 ? ShardedLatents.Gather(tr, comm, progress) : ShardedLatents.Merge(o.OutDir, tr.ParticleCount, tr.LatentDim);
                if (comm.Rank != 0) return 0;
                o = o with { ParticleLatents = latents, ParticleLatentSds = sds };
            }
            var r = Analyzer.Run(o, progress);
            var inv = CultureInfo.InvariantCulture;
            ctx.Out.WriteLine($"analysed {r.Particles} particles (latent dimension {r.LatentDim}, {r.Segments} segments) into {r.OutDir}");
            ctx.Out.WriteLine("explained variance: " + string.Join(", ", r.ExplainedVarianceRatio.Take(5).Select((v, i) => $"PC{i + 1} {v.ToString("P1", inv)}")));
            ctx.Out.WriteLine("traversal span (Cα RMSD, 5th → 95th percentile): " + string.Join(", ", r.TraversalRmsd.Select((v, i) => $"PC{i + 1} {v.ToString("F2", inv)} Å"))
                + (r.LatentNats is { } kl ? $"; latent {kl.ToString("F3", inv)} nats per particle (KL(z))" : ""));
            if (r.PcDetermination is { } rho2)
                ctx.Out.WriteLine("determined per particle (ρ²): " + string.Join(", ", rho2.Select((v, i) => $"PC{i + 1} {v.ToString("F2", inv)}")));
            if (r.Selected is { } sel) ctx.Out.WriteLine($"selected {sel} particles" + (r.SelectedFile is { } f ? $" → {f}" : " (selected_indices.txt)"));
            foreach (var note in r.Notes) ctx.Out.WriteLine("note: " + note);
            ctx.Out.WriteLine($"open {Path.Combine(r.OutDir, "report.html")}, or in ChimeraX: open {Path.Combine(r.OutDir, "chimerax.cxc")}");
            return 0;
        });
        return cmd;
    }
}
