using System.CommandLine;
using CryoSphere.Distributed;
using CryoSphere.Training;
using Spectre.Console;

namespace CryoSphere.Cli;

/// <summary>`cryosphere train`: from a reference-style parameters.yaml or from flags alone; resumable.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext ctx)
    {
        var config = new Option<string?>("--config") { Description = "parameters.yaml (the reference tool's format; it names images.yaml)." };
        var structure = new Option<string?>("--structure") { Description = "Base structure (PDB/mmCIF) in the box frame." };
        var particles = new Option<string?>("--particles") { Description = "Particles: RELION .star or cryoSPARC .cs." };
        var datadir = new Option<string?>("--datadir") { Description = "Folder the image paths are relative to." };
        var outDir = new Option<string?>("--out") { Description = "Run folder to create." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder." };
        var epochs = new Option<int?>("--epochs") { Description = "Most epochs (N_epochs); training stops earlier when the correlation plateaus." };
        var plateau = new Option<bool?>("--stop-on-plateau") { Description = "true (default): stop when the correlation plateaus; false: train exactly --epochs." };
        var batch = new Option<int?>("--batch-size") { Description = "Images per batch (per rank under mpirun/srun: each step sees batch × ranks)." };
        var segments = new Option<int?>("--segments") { Description = "Segments of a whole-protein segmentation (N_segm)." };
        var latent = new Option<int?>("--latent-dim") { Description = "Latent dimension." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate of the networks." };
        var lrSeg = new Option<double?>("--lr-segmentation") { Description = "Learning rate of the segmentation." };
        var downsample = new Option<int?>("--downsample") { Description = "Fourier-crop images to this side (Npix_downsize)." };
        var nImages = new Option<int?>("--n-images") { Description = "Use only the first N particles." };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (0 = all cores)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed." };
        var keep = new Option<int?>("--keep") { Description = "Keep the newest K epoch checkpoints (0 = all)." };
        var cmd = new Command("train", "Train the VAE with learned segmentation on particle images.")
        { config, structure, particles, datadir, outDir, resume, epochs, plateau, batch, segments, latent, lr, lrSeg, downsample, nImages, device, threads, seed, keep };
        // Run on a worker so the action returns an unfinished task: System.CommandLine then listens for termination signals.
        cmd.SetAction((pr, signal) => Task.Run(() => Execute(pr, signal), CancellationToken.None));
        return cmd;

        int Execute(ParseResult pr, CancellationToken signal)
        {
            TrainOptions Apply(TrainOptions o)
            {
                if (pr.GetValue(structure) is { } s) o = o with { BaseStructurePath = s };
                if (pr.GetValue(particles) is { } p) o = o with { ParticlesPath = p };
                if (pr.GetValue(datadir) is { } d) o = o with { DataDir = d };
                if (pr.GetValue(outDir) is { } od) o = o with { OutDir = od };
                if (pr.GetValue(epochs) is { } e) o = o with { Epochs = e };
                if (pr.GetValue(plateau) is { } sp) o = o with { StopOnPlateau = sp };
                if (pr.GetValue(batch) is { } b) o = o with { BatchSize = b };
                if (pr.GetValue(segments) is { } k)
                {
                    // Nothing configured (the per-chain default for a complex): --segments asks for one whole-protein part.
                    if (o.Segmentation.Count > 1 || o.Segmentation.Count == 1 && !o.Segmentation[0].AllProtein)
                        throw new InputException("--segments applies to a whole-protein segmentation; edit segmentation_config for several parts");
                    o = o with { Segmentation = [(o.Segmentation.Count == 1 ? o.Segmentation[0] : new SegmentationPartOptions()) with { Segments = k }] };
                }
                if (pr.GetValue(latent) is { } l) o = o with { LatentDimension = l };
                if (pr.GetValue(lr) is { } r) o = o with { LearningRate = r };
                if (pr.GetValue(lrSeg) is { } rs) o = o with { LearningRateSegmentation = rs };
                if (pr.GetValue(downsample) is { } ds) o = o with { NpixDownsize = ds };
                if (pr.GetValue(nImages) is { } ni) o = o with { NImages = ni };
                if (pr.GetValue(device) is { } dv) o = o with { Device = dv };
                if (pr.GetValue(threads) is { } t) o = o with { Threads = t };
                if (pr.GetValue(seed) is { } sd) o = o with { Seed = sd };
                if (pr.GetValue(keep) is { } kp) o = o with { KeepCheckpoints = kp };
                return o;
            }

            // Under mpirun/srun every rank runs this command; rank 0 alone talks (and writes the run folder).
            using var comm = Communicators.FromEnvironment();
            bool lead = comm.Rank == 0;

            // Warnings (values filled in by default, a checkpoint fallback) go to stderr as well as run.log.
            void Warn(string w) => ctx.Err.WriteLine("warning: " + w);

            // System.CommandLine turns Ctrl-C / SIGINT / SIGTERM into this token; training stops after the batch
            // in flight and writes a checkpoint.
            using var reg = signal.Register(() => ctx.Err.WriteLine("stopping after this batch; writing a checkpoint…"));
            TrainResult result;
            if (pr.GetValue(resume) is { } runDir)
            {
                if (comm is MpiCommunicator m) m.StopHint = $"; the last epoch checkpoint in {Path.GetFullPath(runDir)} is intact: cryosphere train --resume {Path.GetFullPath(runDir)}";
                result = WithProgress(ctx, lead, comm.Size > 1, p => Trainer.Resume(runDir, Apply, p, signal, Warn, comm));
            }
            else
            {
                var ignored = new List<string>();
                var o = pr.GetValue(config) is { } cfg ? TrainConfigReader.Read(cfg, ignored) : new TrainOptions();
                foreach (var key in ignored) ctx.Err.WriteLine($"note: config key '{key}' has no meaning here and is ignored");
                o = Apply(o);
                if (comm is MpiCommunicator m && o.OutDir is { } od)
                    m.StopHint = $"; the last epoch checkpoint in {Path.GetFullPath(od)} is intact: cryosphere train --resume {Path.GetFullPath(od)}";
                result = WithProgress(ctx, lead, comm.Size > 1, p => Trainer.Run(o, p, signal, Warn, comm));
            }
            if (lead) ctx.Out.WriteLine(result.Interrupted
                ? $"interrupted after {result.EpochsDone} epoch(s); continue with: cryosphere train --resume {result.RunDir}"
                : $"trained {result.EpochsDone} epochs; run folder {result.RunDir}");
            return result.Interrupted ? 130 : 0;
        }
    }

    private static TrainResult WithProgress(CliContext ctx, bool lead, bool distributed, Func<IProgress<TrainProgress>, TrainResult> run)
    {
        if (!lead) return run(new SyncProgress<TrainProgress>(_ => { }));
        // mpirun hands ranks a pseudo-terminal, but its output ends in a job log: plain lines, no bars.
        if (ctx.Interactive && !distributed)
        {
            TrainResult r = null!;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(c =>
                {
                    ProgressTask? task = null;
                    r = run(new SyncProgress<TrainProgress>(p =>
                    {
                        task ??= c.AddTask("training", maxValue: (double)p.Epochs * p.Batches);
                        task.Value = (double)(p.Epoch - 1) * p.Batches + p.Batch;
                        task.Description = $"epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:F4} {p.ImagesPerSecond:F0} img/s";
                        if (p.EpochDone && p.Message is { } m) AnsiConsole.MarkupLine(Markup.Escape(m));
                    }));
                });
            return r;
        }
        var last = DateTime.UtcNow;
        return run(new SyncProgress<TrainProgress>(p =>
        {
            if (p.EpochDone)
            {
                ctx.Out.WriteLine($"{p.Message} ({p.ImagesPerSecond:F0} images/s, {p.Elapsed:hh\\:mm\\:ss} elapsed)");
                return;
            }
            if ((DateTime.UtcNow - last).TotalSeconds >= 10)
            {
                last = DateTime.UtcNow;
                ctx.Out.WriteLine($"epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:F4} {p.ImagesPerSecond:F0} images/s, about {p.Remaining:hh\\:mm\\:ss} left");
            }
        }));
    }
}
