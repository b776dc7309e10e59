using System.Diagnostics;
using CryoSphere.Data;
using CryoSphere.Distributed;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
public sealed record TrainResult(string RunDir, int EpochsDone, bool Interrupted, IReadOnlyList<Dictionary<string, double>> Metrics);

/// <summary>
/// Trains the VAE end to end: batches stream from disk, every step runs in a dispose scope, each
/// epoch ends with a metrics row and an atomic checkpoint; cancellation writes a checkpoint and
/// returns; a resumed run continues exactly (same batches, same random draws).
/// </summary>
public static class Trainer
{
    private const int MaxConsecutiveBadSteps = 5;

    /// <summary>
    /// Starts a new run in <see cref="TrainOptions.OutDir"/>; <paramref name="warn"/> hears every warning also written to run.log.
    /// Under <paramref name="comm"/> with several ranks, each trains on its slice of every batch and only rank 0 writes.
    /// </summary>
    public static TrainResult Run(TrainOptions options, IProgress<TrainProgress>? progress = null, CancellationToken ct = default, Action<string>? warn = null, ICommunicator? comm = null) =>
        LoggingBugs(Lead(comm) ? options.OutDir : null, () => RunCore(options, resume: false, [], progress, ct, warn, comm ?? SingleProcess.Instance));

    private static bool Lead(ICommunicator? comm) => comm is null || comm.Rank == 0;

    /// <summary>
    /// Continues the run in <paramref name="runDir"/>; <paramref name="overrides"/> may change how long and where it
    /// runs (epochs, threads, device), not what it computes (see <see cref="ResumeSettings"/>).
    /// </summary>
    public static TrainResult Resume(string runDir, Func<TrainOptions, TrainOptions>? overrides = null, IProgress<TrainProgress>? progress = null, CancellationToken ct = default, Action<string>? warn = null, ICommunicator? comm = null)
    {
        var folder = new RunFolder(runDir);
        if (File.Exists(folder.Root)) throw new InputException(runDir, "is a file, not a training run folder");
        if (!File.Exists(folder.Config)) throw new InputException(runDir, "not a training run folder (no config.yaml)");
        var recorded = TrainConfigReader.ReadRecorded(folder.Config) with { OutDir = folder.Root };
        var o = overrides is null ? recorded : overrides(recorded) with { OutDir = folder.Root };
        var changes = ResumeSettings.Check(folder.Root, recorded, o);
        return LoggingBugs(Lead(comm) ? folder.Root : null, () => RunCore(o, resume: true, changes, progress, ct, warn, comm ?? SingleProcess.Instance));
    }

    /// <summary>
    /// A bug (any exception that is not an input problem, a known run failure or cancellation) gets its stack
    /// trace written to run.log when the run folder exists, and the log's path attached for the CLI to point at.
    /// </summary>
    private static TrainResult LoggingBugs(string? outDir, Func<TrainResult> run)
    {
        try { return run(); }
        catch (IOException e) when (outDir is not null && IsDiskFull(e))
        {
            // A full disk can surface in any write (run.log, a skipped-step note), not only at a checkpoint.
            throw new RunFailedException($"cannot write to {Path.GetFullPath(outDir)} (disk full); the last good checkpoint is kept; free space and continue with: cryosphere train --resume {Path.GetFullPath(outDir)}", e);
        }
        catch (Exception e) when (e is not (InputException or RunFailedException or OperationCanceledException) && outDir is not null)
        {
            var folder = new RunFolder(outDir);
            if (Directory.Exists(folder.Root))
            {
                try
                {
                    folder.AppendLog("internal error: " + e);
                    e.Data[RunFailedException.RunLogKey] = folder.Log;
                }
                catch (IOException) { }
            }
            throw;
        }
    }

    /// <summary>
    /// The encoder input's side for a new run and run.log's line on why: the configured <c>encoder_npix</c>; the side
    /// of the model named by <c>resume_model</c> (its weights must fit); else chosen from the particles' SNR
    /// estimated against the base structure (<see cref="EncoderInputSide.FromSnr"/>). With forces for input the side is not
    /// used and is left as set up, without a note.
    /// </summary>
    private static (int Side, string? Note) ChooseEncoderSide(TrainOptions o, TrainingSetup setup, Func<double> estimatedSnr)
    {
        int n = setup.Grid.N;
        // Forces are 3R values whatever the image side (run.log says so already); the side is written to config.yaml all the same.
        if (o.EncoderInput == TrainOptions.EncoderInputForces) return (setup.EncoderSide, null);
        if (o.EncoderNpix is not null) return (setup.EncoderSide, null);
        if (o.ResumeModel is { } rm)
        {
            int side = Checkpoint.ReadMeta(rm).EncoderSide is > 0 and var s ? s : n;
            return (side, $"encoder input {side} px, as in {rm}");
        }
        double snr = estimatedSnr();
        int chosen = EncoderInputSide.FromSnr(n, setup.Grid.Apix, snr);
        string why = chosen == n
            ? $"the whole {n} px image (at SNR ≥ {EncoderInputSide.CropBelowSnr:G2} the fine detail still carries signal)"
            : FormattableString.Invariant($"{chosen} px ({setup.Grid.Apix * n / chosen:0.#} Å/px; below SNR {EncoderInputSide.CropBelowSnr:G2} finer detail is mostly noise; set encoder_npix to choose)");
        return (chosen, FormattableString.Invariant($"estimated particle SNR {snr:G3} (images against the base structure; motion counts as noise) → encoder input {why}"));
    }

    /// <summary>
    /// With forces for input and <c>forces_cache_mib</c> room for them: the training particles' forces computed once
    /// (<see cref="ForcesTable"/>) and handed to <paramref name="objective"/>; run.log says which.
    /// </summary>
    private static ForcesTable? KeepForces(TrainOptions o, TrainingSetup setup, BatchObjective objective, int[] particles, Action<string> log, CancellationToken ct)
    {
        if (o.EncoderInput != TrainOptions.EncoderInputForces) return null;
        long bytes = ForcesTable.BytesFor(particles.Length, setup.Structure.Count);
        double mib = bytes / (1024.0 * 1024.0);
        if (bytes > (long)o.ForcesCacheMib * 1024 * 1024)
        {
            log(FormattableString.Invariant($"forces computed every batch: keeping them would take {mib:F0} MiB (forces_cache_mib: {o.ForcesCacheMib})"));
            return null;
        }
        var table = ForcesTable.Build(objective, setup, particles, ct);
        objective.ForcesTable = table;
        if (table is not null) log(FormattableString.Invariant($"forces of {table.Count} particles computed once in {table.Seconds:F1} s and kept ({mib:F0} MiB)"));
        return table;
    }

    private static TrainResult RunCore(TrainOptions o, bool resume, IReadOnlyList<string> changes, IProgress<TrainProgress>? progress, CancellationToken ct, Action<string>? warn, ICommunicator comm)
    {
        // Rank 0 alone writes the run folder (config, run.log, metrics, checkpoints, the lock); the others compute.
        bool lead = comm.Rank == 0;
        if (o.OutDir is null) throw new InputException("no output folder: give --out");
        if (File.Exists(o.OutDir)) throw new InputException(o.OutDir, "--out names an existing file; give a folder for the run");
        if (o.Epochs < 1) throw new InputException($"epochs must be at least 1 (got {o.Epochs})");
        if (o.BatchSize < 1) throw new InputException($"batch size must be at least 1 (got {o.BatchSize})");
        if (o.MinSteps is < 0) throw new InputException($"min_steps must be at least 0 (got {o.MinSteps})");
        if (o.RampSteps is < 1) throw new InputException($"ramp_steps must be at least 1 (got {o.RampSteps})");
        if (o.PlateauFrom is not (TrainOptions.PlateauFromStart or TrainOptions.PlateauFromSettled))
            throw new InputException($"plateau_from must be {TrainOptions.PlateauFromStart} or {TrainOptions.PlateauFromSettled} (got '{o.PlateauFrom}')");
        if (!(o.PlateauTolerance >= 0 && o.PlateauTolerance < 1)) throw new InputException($"plateau_tolerance must be in [0, 1) (got {o.PlateauTolerance})");
        if (o.PlateauLatentGrowth is { } g && !(g >= 0 && double.IsFinite(g))) throw new InputException($"plateau_latent_growth must be 0 or more (got {g})");
        if (o.PlateauWindowEpochs < 1) throw new InputException($"plateau_window_epochs must be at least 1 (got {o.PlateauWindowEpochs})");
        if (!(o.HeldOutFraction >= 0 && o.HeldOutFraction <= 0.5)) throw new InputException($"held_out_fraction must be in [0, 0.5] (got {o.HeldOutFraction})");
        if (o.NImages is < 1) throw new InputException($"--n-images / N_images must be at least 1 (got {o.NImages})");
        if (o.Threads < 0) throw new InputException($"--threads must be 0 (all cores) or more (got {o.Threads})");
        if (o.LatentDimension < 1) throw new InputException($"latent dimension must be at least 1 (got {o.LatentDimension})");
        if (o.ForcesCacheMib < 0) throw new InputException($"forces_cache_mib must be 0 (off) or more (got {o.ForcesCacheMib})");
        if (o.EncoderForcesComponents < 0) throw new InputException($"encoder_forces_components must be 0 (all forces) or more (got {o.EncoderForcesComponents})");
        int seed = o.Seed ?? DataParallel.FromRoot(comm, Random.Shared.Next(1, int.MaxValue));
        o = o with { Seed = seed };
        var folder = new RunFolder(o.OutDir);
        // Refuse early (before the data are opened) when another live process trains into this folder.
        if (lead && RunLock.Holder(folder) is { } holder)
            throw new RunFailedException($"{folder.Root} is in use by another training run ({holder}); wait for it or choose another --out");
        IReadOnlyList<string> candidates = [];
        if (resume)
        {
            candidates = folder.CheckpointCandidates();
            if (candidates.Count == 0) throw new InputException(folder.Root, "nothing to resume: no checkpoint in this run folder");
        }
        else if (folder.LatestCheckpoint() is not null)
            throw new InputException(folder.Root, "already holds a training run; use --resume to continue it or choose another --out");
        else o = RunPaths.Absolute(o);

        TorchRuntime.SetThreads(o.Threads);
        MallocTuning.ForTraining();
        using var setup = TrainingSetup.Create(o);
        if (lead) folder.Create();
        void Log(string line)
        {
            if (lead) folder.AppendLog(line);
        }
        void Warn(string w)
        {
            if (!lead) return;
            folder.AppendLog("warning: " + w);
            warn?.Invoke(w);
        }
        using var runLock = lead ? RunLock.Acquire(folder, Warn) : null;
        if (lead && folder.CleanTemporaries() is var cleaned and > 0) Log($"removed {cleaned} temporary file(s) left by an earlier, killed run");
        if (comm.Size > 1) Log($"data parallel: {comm.Description}; batch {o.BatchSize} per rank, {o.BatchSize * comm.Size} per step");
        PixelStatistics? newStats = null;
        string? encoderNote = null, warmupNote = null, centreNote = null, klNote = null, rampNote = null, plateauNote = null, minStepsNote = null;
        bool klPriced = false;
        if (!resume)
        {
            newStats = setup.EstimateImageStatistics(seed);
            var stats = newStats.Value;
            var measured = new Lazy<SignalEstimate.Measured>(() => SignalEstimate.Measure(setup, stats, seed));
            var snr = new Lazy<double>(() => measured.Value.ParticleSnr);
            string inputWhy = "configured";
            if (o.EncoderInput is null && o.ResumeModel is { } from)
            {
                // A model's weights fit one input only: a run started from it reads what it read.
                o = o with { EncoderInput = Checkpoint.ReadMeta(from).EncoderInput ?? TrainOptions.EncoderInputImage };
                inputWhy = $"as in {from}";
            }
            else if (o.EncoderInput is null)
            {
                bool forces = DataParallel.FromRoot(comm, EncoderInputChoice.FromSnr(snr.Value) == TrainOptions.EncoderInputForces);
                o = o with { EncoderInput = forces ? TrainOptions.EncoderInputForces : TrainOptions.EncoderInputImage };
                inputWhy = FormattableString.Invariant(
                    $"estimated particle SNR {snr.Value:G3} {(forces ? "≥" : "<")} {EncoderInputChoice.ForcesFromSnr:G2}; set encoder_input to choose");
            }
            setup.UseEncoderInput(o.EncoderInput);
            string inputNote = o.EncoderInput == TrainOptions.EncoderInputForces
                ? $"encoder input forces, 3 × {setup.Structure.Count} per particle: the pull of its image on each Cα of the base structure ({inputWhy})"
                : $"encoder input image ({inputWhy})";
            (int side, encoderNote) = ChooseEncoderSide(o, setup, () => snr.Value);
            setup.UseEncoderSide(DataParallel.FromRoot(comm, side));
            if (o.LatentNoiseWarmup is null)
            {
                // Forces decide it without the SNR, which is then not estimated for it.
                double warmSnr = setup.EncoderInput == TrainOptions.EncoderInputForces ? double.NaN : snr.Value;
                bool warm = DataParallel.FromRoot(comm, LatentNoiseWarmupChoice.For(setup.EncoderInput, warmSnr));
                o = o with { LatentNoiseWarmup = warm };
                warmupNote = $"latent noise warm-up {(warm ? "on" : "off")} ({LatentNoiseWarmupChoice.Why(setup.EncoderInput, warmSnr)}; set latent_noise_warmup to choose)";
            }
            if (o.SegmentRotationCentre is null)
            {
                o = o with { SegmentRotationCentre = SegmentRotationCentreChoice.For(setup.EncoderInput) };
                centreNote =
                    $"segments turn about {(o.SegmentRotationCentre == TrainOptions.RotationAboutCentroid ? "their own centroids" : "the box centre")} ({SegmentRotationCentreChoice.Why(setup.EncoderInput)}; set segment_rotation_centre to choose)";
            }
            if (o.KlLatent.Beta is null)
            {
                // Written to config.yaml when priced, so a resume weighs KL(z) as this run did.
                double priced = DataParallel.FromRoot(comm, KlLatentChoice.Priced(measured.Value, setup.Grid.N) ?? 0);
                klPriced = priced > 0;
                if (klPriced) o = o with { KlLatent = o.KlLatent with { Beta = priced } };
                klNote = KlLatentChoice.Why(measured.Value, setup.Grid.N);
            }
            if (o.PlateauLatentGrowth is null)
            {
                // Judged only where KL(z) is priced by the likelihood: KlLatentChoice above set the weight from the data.
                o = o with { PlateauLatentGrowth = PlateauLatentGrowthChoice.For(klPriced) };
                plateauNote = PlateauLatentGrowthChoice.Why(klPriced);
            }
            if (o.RampSteps is null)
            {
                o = o with { RampSteps = DataParallel.FromRoot(comm, RampStepsChoice.For(snr.Value)) };
                rampNote = RampStepsChoice.Why(snr.Value);
            }
            if (o.MinSteps is null)
            {
                o = o with { MinSteps = DataParallel.FromRoot(comm, RampStepsChoice.MinStepsFor(snr.Value)) };
                minStepsNote = RampStepsChoice.WhyMinSteps(snr.Value);
            }
            // Segment counts left to the default are fixed from this structure, so config.yaml names the model trained.
            o = o with { Segmentation = ModelFactory.ResolvedSegmentation(o, setup.Structure) };
            // The resolved encoder side is written, so a resume builds the same network whatever the default becomes.
            var written = o with { EncoderNpix = setup.EncoderSide };
            if (lead) WriteOrFail(folder, null, () => TrainConfigWriter.Write(folder.Config, RunPaths.Portable(written, folder.Root)));
            Log($"new run: {setup.Particles.Count} particles ({setup.Subset.Length} used) from {o.ParticlesPath}; {setup.Structure.Count} residues from {o.BaseStructurePath}; images {setup.BoxSize} → {setup.Grid.N} px at {setup.Grid.Apix:0.###} Å; device {setup.Device}; seed {seed}; batch {o.BatchSize}");
            Log(inputNote);
            if (encoderNote is not null) Log(encoderNote);
            if (warmupNote is not null) Log(warmupNote);
            if (centreNote is not null) Log(centreNote);
            if (klNote is not null) Log(klNote);
            if (rampNote is not null) Log(rampNote);
            if (plateauNote is not null) Log(plateauNote);
            if (minStepsNote is not null) Log(minStepsNote);
        }
        foreach (var c in changes) Log("resume changes " + c);
        foreach (var w in setup.Particles.Table.Warnings) Warn(w);

        torch.manual_seed(seed);
        // Per-image latents under data parallelism: each rank holds its own particles' rows (docs/cluster.md).
        bool sharded = comm.Size > 1 && !o.Amortized;
        using var model = ModelFactory.Build(o, setup, sharded ? LatentShards.Owned(setup.Particles.Count, comm.Rank, comm.Size) : null);
        var (optimizer, netGroup, segGroup) = ModelFactory.Optimizer(model, o);
        using var optimizerScope = optimizer;
        using var gen = new Generator((ulong)seed, setup.Device);
        var shards = sharded ? new LatentShards(comm, model.Latents!) : null;

        CheckpointMeta meta;
        string? checkpoint = null;
        if (resume)
        {
            (checkpoint, meta) = CheckpointFallback.LoadNewestIntact(folder, candidates, model, optimizer, gen, Warn);
            Log($"resuming from {Path.GetFileName(checkpoint)}");
            CheckpointFallback.CheckRecorded(folder, meta, o, setup.Subset.Length);
            if (DistributedResume.Check(folder, meta, comm.Size) is { } note) Log(note);
        }
        else
        {
            if (o.ResumeModel is { } rm) Checkpoint.Load(rm, model);
            var stats = newStats!.Value;
            meta = new CheckpointMeta { Seed = seed, BatchSize = o.BatchSize, Ranks = comm.Size, Particles = setup.Subset.Length, ImageMean = stats.Mean, ImageStd = stats.Std, ImageSide = setup.Grid.N, EncoderSide = setup.EncoderSide, EncoderInput = setup.EncoderInput, PixelSize = setup.Grid.Apix };
            Log($"image statistics (after downsampling): mean {stats.Mean:G4}, sd {stats.Std:G4}");
        }
        // Rank 0's weights, Adam state and generator on every rank: the replicas start, and so stay, identical.
        DataParallel.ShareState(comm, model, optimizer, gen, shards?.Table);
        meta = meta with { Ranks = comm.Size };
        var pixelStats = new PixelStatistics(meta.ImageMean, meta.ImageStd, 0);
        var objective = new BatchObjective(setup, model, pixelStats);
        var split = HeldOutSplit.Of(setup.Subset, o.HeldOutFraction, seed, o.Amortized);
        using var forcesTable = KeepForces(o, setup, objective, split.Train, Log, ct);
        // A new model's projection comes from the data; a resumed one (or resume_model's) has it in its weights.
        if (!resume && o.ResumeModel is null && model.Encoder is { Components: > 0 })
            Log(ForcesProjection.Fit(model, forcesTable, objective, setup, split.Train, seed));
        if (!resume && split.HeldOut.Length > 0)
            Log($"held out {split.HeldOut.Length} of {setup.Subset.Length} particles (held_out_fraction {o.HeldOutFraction:G3}): their correlation goes into metrics.csv as {HeldOutColumn} (docs/training-defaults.md §13)");
        var loader = new BatchLoader(setup.Particles, o.BatchSize * comm.Size, seed, split.Train, slice: new RankSlice(comm.Rank, comm.Size));
        // Every rank evaluates the whole held-out set: the same weights give every rank the same number.
        var heldOutLoader = split.HeldOut.Length == 0 ? null : new BatchLoader(setup.Particles, o.BatchSize, seed, split.HeldOut);
        var metrics = new MetricsLog(folder.Metrics);
        metrics.TruncateFrom(meta.Epoch + 1);
        int nb = loader.BatchesPerEpoch;
        var budget = new TrainingBudget(o, nb);
        var clock = Stopwatch.StartNew();
        double elapsedBefore = meta.ElapsedSeconds;
        int skipped = meta.SkippedSteps;
        var allParams = model.parameters().ToArray();
        // A shard's rows are not all-reduced: their gradients go back to their owners (LatentShards).
        IReadOnlyList<Tensor> shardTables = shards?.Table.RowTables ?? [];
        var denseParams = allParams.Where(p => !shardTables.Any(t => t.Handle == p.Handle)).ToArray();
        // The L2 penalty's gradient is added by the optimizer (BatchObjective.Compute) when it updates every weight matrix.
        var optimized = optimizer.ParamGroups.Cast<Adam.ParamGroup>().SelectMany(g => g.Parameters).Select(p => p.Handle).ToHashSet();
        bool l2InOptimizer = model.WeightMatrices().All(m => optimized.Contains(m.Handle));
        string? lastCheckpoint = checkpoint;
        long imagesThisSession = 0;
        var reduceClock = new Stopwatch();   // time in the gradient all-reduce this epoch (data parallel only)

        bool converged = DataParallel.FromRoot(comm, budget.Converged(CorrelationHistory(metrics), LatentHistory(metrics)));
        if (converged) Log($"already converged after epoch {meta.Epoch}: nothing to do (stop_on_plateau: false to train on)");
        for (int epoch = meta.Epoch; epoch < o.Epochs && !converged; epoch++)
        {
            double decay = Math.Pow(o.SchedulerDecay, o.SchedulerMilestones.Count(m => m <= epoch));
            netGroup.LearningRate = o.LearningRate * decay;
            segGroup.LearningRate = (o.LearningRateSegmentation ?? o.LearningRate) * decay;
            int startBatch = epoch == meta.Epoch ? meta.Batch : 0;
            var sums = epoch == meta.Epoch && meta.Batch > 0 ? new Dictionary<string, double>(meta.PartialSums) : [];
            long images = epoch == meta.Epoch && meta.Batch > 0 ? meta.PartialImages : 0;
            var epochClock = Stopwatch.StartNew();
            var epochCpu = Process.GetCurrentProcess().TotalProcessorTime;
            long epochImages = 0;
            int consecutiveBad = 0;
            int b = startBatch;
            foreach (var hb in loader.Epoch(epoch, shuffle: true, skipBatches: startBatch))
            {
                using var _ = hb;
                if (DataParallel.Any(comm, ct.IsCancellationRequested))
                {
                    var m = Meta(meta, epoch, b, sums, images, skipped, elapsedBefore + clock.Elapsed.TotalSeconds);
                    string p = Path.Combine(folder.Checkpoints, $"interrupted_epoch_{epoch + 1:D4}_batch_{b:D5}.ckpt");
                    using (shards?.WholeOnRoot(optimizer))
                        if (lead) WriteOrFail(folder, lastCheckpoint, () =>
                        {
                            Checkpoint.Save(p, m, model, optimizer, gen);
                            folder.SetLatest(p);
                        });
                    Log($"interrupted in epoch {epoch + 1} before batch {b + 1}/{nb}: checkpoint {Path.GetFileName(p)}");
                    return new TrainResult(folder.Root, epoch, true, metrics.Rows);
                }
                var w = LossWeights.At(budget, setup.Grid.N, epoch, (double)b / nb);
                using (NativeCallGuard.Enter())
                using (var scope = NewDisposeScope())
                {
                    var (imgs, rot, sh, ctf, idx) = objective.Prepare(hb);
                    using var ctfScope = ctf;
                    var rows = comm.Size == 1 ? null : new NoiseRows(comm.Rank * hb.Count, hb.Count * comm.Size);
                    var loss = objective.Compute(imgs, rot, sh, ctf, idx, w, gen, rows, l2InOptimizer);
                    if (TrainerFaults.NonFiniteLossAt?.Invoke(epoch, b) == true)
                    {
                        loss.Terms["corr"] = loss.Terms["corr"] * double.NaN;
                        loss = loss with { Total = loss.Total * double.NaN };
                    }
                    double total = loss.Total.ToDouble();
                    // Under data parallelism: the loss and its terms over the global batch, so every rank decides alike.
                    double[]? globalTerms = null;
                    if (comm.Size > 1) (total, globalTerms) = GlobalMeans(comm, total, loss);
                    string? bad = null;
                    if (!double.IsFinite(total))
                        bad = "loss terms not finite: " + string.Join(", ", loss.Terms.Where(kv => !double.IsFinite(kv.Value.ToDouble())).Select(kv => kv.Key));
                    else
                    {
                        AdamStep.ClearGradients(optimizer);
                        loss.Total.backward();
                        reduceClock.Start();
                        DataParallel.AverageGradients(comm, denseParams);
                        double rowNorm = shards?.ReturnGradients() ?? 0;
                        reduceClock.Stop();
                        if (!double.IsFinite(GradSquaredNorm(denseParams) + rowNorm)) bad = "gradient not finite";
                        else AdamStep.Apply(optimizer, l2InOptimizer && w.L2 != 0 ? objective.L2Decay(w) : null);   // β 0 (the default): no table per step
                    }
                    if (bad is not null)
                    {
                        skipped++;
                        consecutiveBad++;
                        Log($"epoch {epoch + 1} batch {b + 1}: step skipped ({bad})");
                        optimizer.zero_grad();
                        if (consecutiveBad >= MaxConsecutiveBadSteps)
                        {
                            if (lastCheckpoint is null)
                                throw new RunFailedException($"training diverged at the start ({bad}); check the images and poses of {o.ParticlesPath}, or lower the learning rate");
                            Checkpoint.Load(lastCheckpoint, model, optimizer);
                            Log($"{consecutiveBad} bad steps in a row: restored {Path.GetFileName(lastCheckpoint)}");
                            consecutiveBad = 0;
                        }
                    }
                    else
                    {
                        consecutiveBad = 0;
                        int n = hb.Count * comm.Size;
                        Acc(sums, "loss", total * n);
                        // All terms in one read (one device → host transfer per step, not one per term).
                        var names = loss.Terms.Keys.ToArray();
                        var values = globalTerms ?? stack(names.Select(k => loss.Terms[k].detach().to_type(ScalarType.Float64)).ToArray()).cpu().data<double>().ToArray();
                        for (int i = 0; i < names.Length; i++) Acc(sums, names[i], values[i] * n);
                        images += n;
                    }
                }
                epochImages += hb.Count * comm.Size;
                imagesThisSession += hb.Count * comm.Size;
                b++;
                double ips = imagesThisSession / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                int plannedEpochs = budget.PlannedEpochs(epoch + 1);
                double remainingImages = (double)(plannedEpochs - epoch - 1) * loader.ParticleCount + (double)(nb - b) / nb * loader.ParticleCount;
                progress?.Report(new TrainProgress(epoch + 1, plannedEpochs, b, nb, Mean(sums, "loss", images), Mean(sums, "corr", images),
                    ips, clock.Elapsed, TimeSpan.FromSeconds(remainingImages / Math.Max(ips, 1e-9)), false));
            }

            // End of epoch: metrics row, checkpoint, pruning.
            var wEnd = LossWeights.At(budget, setup.Grid.N, epoch, 1.0);
            double secs = epochClock.Elapsed.TotalSeconds;
            var row = new Dictionary<string, double> { ["epoch"] = epoch + 1 };
            foreach (var k in new[] { "loss", "corr", "kl_latent", "kl_seg_mean", "kl_seg_std", "kl_seg_prop", "continuity", "clash", "l2" })
                row[k] = Mean(sums, k, images);
            row["beta_kl_latent"] = wEnd.KlLatent;
            row["beta_kl_seg_mean"] = wEnd.KlSegMean;
            row["beta_kl_seg_std"] = wEnd.KlSegStd;
            row["beta_kl_seg_prop"] = wEnd.KlSegProportions;
            row["beta_continuity"] = wEnd.Continuity;
            row["beta_clash"] = wEnd.Clash;
            row["beta_l2"] = wEnd.L2;
            row["lr"] = netGroup.LearningRate;
            row["lr_segmentation"] = segGroup.LearningRate;
            row["skipped_steps"] = skipped;
            row["seconds"] = secs;
            row["images_per_s"] = epochImages / Math.Max(secs, 1e-9);
            // Process CPU time of the epoch: moves far less than wall time when other jobs share the cores.
            row["cpu_seconds"] = (Process.GetCurrentProcess().TotalProcessorTime - epochCpu).TotalSeconds;
            row["rss_mb"] = ProcessMemory.RssMiB();
            if (heldOutLoader is not null) row[HeldOutColumn] = HeldOutCorrelation(objective, heldOutLoader);
            string ckpt = folder.EpochCheckpoint(epoch + 1);
            using (shards?.WholeOnRoot(optimizer))
                if (lead) WriteOrFail(folder, lastCheckpoint, () =>
                {
                    metrics.Append(row);
                    Checkpoint.Save(ckpt, Meta(meta, epoch + 1, 0, [], 0, skipped, elapsedBefore + clock.Elapsed.TotalSeconds), model, optimizer, gen);
                    folder.SetLatest(ckpt);
                    folder.DeleteInterrupted(null);
                    folder.Prune(o.KeepCheckpoints);
                });
            lastCheckpoint = ckpt;
            converged = DataParallel.FromRoot(comm, budget.Converged(CorrelationHistory(metrics), LatentHistory(metrics)));
            string heldOutNote = row.TryGetValue(HeldOutColumn, out var ho) ? $" held-out corr {ho:F5}" : "";
            Log($"epoch {epoch + 1}/{o.Epochs}: loss {row["loss"]:F5} corr {row["corr"]:F5}{heldOutNote} kl_latent {row["kl_latent"]:F3} ({secs:F1} s, {row["images_per_s"]:F0} images/s)");
            if (comm.Size > 1) Log(DataParallel.ReduceReport(denseParams, reduceClock.Elapsed, nb - startBatch, shards is null ? 0 : LatentShards.FloatsPerStep((long)o.BatchSize * comm.Size, o.LatentDimension)));
            reduceClock.Reset();
            if (converged) Log($"correlation plateaued after epoch {epoch + 1} ({(long)(epoch + 1) * nb} steps): stopping (docs/training-defaults.md §6)");
            progress?.Report(new TrainProgress(epoch + 1, converged ? epoch + 1 : budget.PlannedEpochs(epoch + 2), nb, nb, row["loss"], row["corr"], row["images_per_s"], clock.Elapsed,
                null, true, $"epoch {epoch + 1}: loss {row["loss"]:F5}, corr {row["corr"]:F4}"));
        }
        Log("training finished");
        return new TrainResult(folder.Root, metrics.Rows.Count, false, metrics.Rows);
    }

    /// <summary>The batch's loss and terms (in key order) averaged over the ranks' equal slices: the global batch's means.</summary>
    private static (double Total, double[] Terms) GlobalMeans(ICommunicator comm, double total, BatchLoss loss)
    {
        var local = stack(loss.Terms.Keys.Select(k => loss.Terms[k].detach().to_type(ScalarType.Float64)).ToArray()).cpu().data<double>().ToArray();
        var all = DataParallel.Average(comm, [total, .. local]);
        return (all[0], all[1..]);
    }

    /// <summary>metrics.csv's column of the held-out particles' mean −correlation (<see cref="HeldOutSplit"/>).</summary>
    public const string HeldOutColumn = "heldout_corr";

    /// <summary>
    /// The series the plateau rule judges: the training correlation. Not the held-out one: measured, it stayed flat at
    /// SNR 0.01 while the motion was being learned, and got worse at SNR 0.001 from the 15th epoch while |r| rose to
    /// the 68th (docs/training-defaults.md §13).
    /// </summary>
    private static List<double> CorrelationHistory(MetricsLog metrics) => metrics.Rows.Select(r => r["corr"]).ToList();

    private static List<double> LatentHistory(MetricsLog metrics) => metrics.Rows.Select(r => r.TryGetValue("kl_latent", out var k) ? k : double.NaN).ToList();

    /// <summary>Mean −correlation over the held-out particles (<see cref="BatchObjective.HeldOutCorrelationSum"/>).</summary>
    private static double HeldOutCorrelation(BatchObjective objective, BatchLoader heldOut)
    {
        double sum = 0;
        long n = 0;
        foreach (var pb in PreparedBatch.Each(objective, heldOut.Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            sum += objective.HeldOutCorrelationSum(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf);
            n += pb.Count;
        }
        return sum / Math.Max(1, n);
    }

    /// <summary>
    /// Runs a write to the run folder; a full disk (or any I/O failure) becomes one line naming the last good
    /// checkpoint, which the atomic write left untouched, instead of a stack trace.
    /// </summary>
    private static void WriteOrFail(RunFolder folder, string? lastGood, Action write)
    {
        try { write(); }
        catch (IOException e)
        {
            string kept = lastGood is null ? "no checkpoint was written yet" : $"the last good checkpoint {Path.GetFileName(lastGood)} is kept";
            string why = IsDiskFull(e) ? "disk full" : e.Message;
            try { folder.AppendLog($"write failed ({why}): {e}"); } catch (IOException) { }
            throw new RunFailedException($"cannot write to {folder.Root} ({why}); {kept}; free space and continue with: cryosphere train --resume {folder.Root}", e);
        }
    }

    private static bool IsDiskFull(IOException e) =>
        (e.HResult & 0xFFFF) == AtomicFileFaults.NoSpaceErrno || e.Message.Contains("No space left", StringComparison.Ordinal);

    /// <summary>Σ‖grad‖² over the parameters that have a gradient, as one reduction and one read.</summary>
    internal static double GradSquaredNorm(IEnumerable<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        // A dot product of each flattened gradient with itself: no squared copy (8 MiB for the encoder's first layer).
        var parts = parameters.Where(p => p.grad is not null).Select(p => { Tensor g = p.grad!.reshape(-1); return g.dot(g); }).ToArray();
        return parts.Length == 0 ? 0 : stack(parts).sum().ToDouble();
    }

    private static CheckpointMeta Meta(CheckpointMeta basis, int epoch, int batch, Dictionary<string, double> sums, long images, int skipped, double elapsed) =>
        basis with { Epoch = epoch, Batch = batch, PartialSums = new(sums), PartialImages = images, SkippedSteps = skipped, ElapsedSeconds = elapsed };

    private static void Acc(Dictionary<string, double> d, string k, double v) => d[k] = d.GetValueOrDefault(k) + v;

    private static double Mean(Dictionary<string, double> d, string k, long n) => n == 0 ? 0 : d.GetValueOrDefault(k) / n;
}
