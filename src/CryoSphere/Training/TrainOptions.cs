namespace CryoSphere.Training;

/// <summary>
/// Every setting of a training run, with its default. The single source of defaults: the YAML
/// reader and the command-line flags both fill this record, and the run folder's config.yaml is
/// this record written out (<see cref="TrainConfigWriter"/>).
/// </summary>
public sealed record TrainOptions
{
    /// <summary>Every default, as one instance: what the loss weights fall back to and what simulate writes out.</summary>
    public static TrainOptions Defaults { get; } = new();

    /// <summary>KL(z) weight per nat when <see cref="KlLatent"/> has no β: this over N² (N = the side of the images the
    /// model sees), against a correlation in [−1, 1] (docs/training-defaults.md; 8/N² collapsed the latent).</summary>
    public const double KlLatentPerPixel = 4.0;

    // --- inputs ---
    public string Name { get; init; } = "cryosphere_run";
    /// <summary>Base structure (PDB/mmCIF), already in the box frame.</summary>
    public string? BaseStructurePath { get; init; }
    /// <summary>Particle metadata: RELION .star or cryoSPARC .cs.</summary>
    public string? ParticlesPath { get; init; }
    /// <summary>Folder that image paths in the metadata are relative to (default: the metadata file's folder).</summary>
    public string? DataDir { get; init; }
    /// <summary>cryoSPARC: poses come from alignments_class_0 (ab-initio job).</summary>
    public bool CsAbinit { get; init; }
    /// <summary>cryoSPARC: heterogeneous refinement stores shifts at half scale; double them.</summary>
    public bool CsHetrefine { get; init; }
    /// <summary>Chains of the base structure to model (null = all).</summary>
    public string[]? Chains { get; init; }

    // --- images ---
    /// <summary>Pixel size of the stored images (Å); null = from the metadata.</summary>
    public double? Apix { get; init; }
    /// <summary>Side of the stored images; null = from the stack.</summary>
    public int? Npix { get; init; }
    /// <summary>Side after Fourier-crop downsampling; null = no downsampling.</summary>
    public int? NpixDownsize { get; init; }
    /// <summary>Width σ of each residue's Gaussian, Å.</summary>
    public double SigmaGmm { get; init; } = 2.0;
    /// <summary>Low-pass the targets at this resolution (Å); null = off.</summary>
    public double? LpBandwidth { get; init; }
    /// <summary>Correlation loss mask radius, fraction of half the side; null = whole image.</summary>
    public double? LossMaskRadius { get; init; } = 1.0;
    /// <summary>Side of the encoder's input (Fourier-cropped from the model's images); null = the model's side (<see cref="EncoderInputSide"/>).</summary>
    public int? EncoderNpix { get; init; }
    /// <summary>Phase-flip the encoder's input by the sign of each particle's CTF (docs/training-defaults.md).</summary>
    public bool PhaseFlipEncoderInput { get; init; } = true;
    /// <summary>
    /// `encoder_undo_psi`: the encoder sees each particle turned back by its pose's in-plane angle ψ
    /// (<see cref="Imaging.InPlaneRotation"/>), so a conformation looks alike at every ψ; off by default (an option
    /// under study, docs/training-defaults.md §15).
    /// </summary>
    public bool EncoderUndoPsi { get; init; }
    /// <summary>
    /// `encoder_subtract_base`: the encoder sees each particle less the base structure rendered with its pose, CTF and
    /// shift (gain and offset fitted per image): what the unmoved structure does not explain, so the pose-dependent
    /// image of a large static part does not hide a small moving one; off by default (an option under study,
    /// docs/training-defaults.md §16).
    /// </summary>
    public bool EncoderSubtractBase { get; init; }
    /// <summary>
    /// `encoder_input`: what the encoder reads. <see cref="EncoderInputForces"/>: per residue, the gradient of the particle's
    /// correlation with the base structure's prediction (its pose, CTF and shift) with respect to that Cα — the pull its
    /// data exert on each atom, 3R values in the molecule's frame, so one conformation gives alike inputs at every pose;
    /// scaled to unit RMS per particle (docs/training-defaults.md §17–§19). <see cref="EncoderInputImage"/>: the particle
    /// image, centred, phase-flipped and masked (the <c>encoder_*</c> image options apply to it only). Null (the default) =
    /// chosen from the data when a new run starts (<see cref="EncoderInputChoice"/>) and written resolved into config.yaml.
    /// </summary>
    public string? EncoderInput { get; init; }
    public const string EncoderInputImage = "image", EncoderInputForces = "forces";
    /// <summary>
    /// `forces_cache_mib`: with forces for input, the forces of every particle are computed once before training (in
    /// particle order, so a resumed run computes the same) and kept in memory when they fit in this many MiB; else, and
    /// at 0, they are computed again every batch. They depend on the data and the base structure only (<see cref="ForcesTable"/>).
    /// </summary>
    public int ForcesCacheMib { get; init; } = 2048;
    /// <summary>
    /// `encoder_forces_components`: with forces for input, K > 0 makes the encoder read them projected on their K
    /// principal components (fitted once from the training particles' forces when a run starts, kept with the model)
    /// instead of all 3R values: the directions along which the particles' forces differ most, where a motion's pull
    /// shows above the noise (docs/training-defaults.md §20). 0: all 3R values.
    /// </summary>
    public int EncoderForcesComponents { get; init; }
    /// <summary>Mask applied to encoder input, fraction of half the side; null = none.</summary>
    public double? InputMaskRadius { get; init; } = 1.0;

    // --- model ---
    public int LatentDimension { get; init; } = 8;
    public double TauSegmentation { get; init; } = 0.05;
    public bool Amortized { get; init; } = true;

    /// <summary>
    /// `segment_rotation_centre`: "centroid" turns each segment about its own centroid
    /// (<see cref="Model.ModelOptions.RotateAboutSegmentCentroids"/>); "origin" about the box centre (method.md §5); null
    /// (the default): chosen by what the encoder reads when a new run starts (<see cref="SegmentRotationCentreChoice"/>) and
    /// written resolved into config.yaml. The same rigid motions either way; about the origin a domain far from the
    /// centre must learn a translation tied to its rotation by the lever arm, which held Cas9's HNH at half its ceiling
    /// (docs/training-defaults.md §20).
    /// </summary>
    public string? SegmentRotationCentre { get; init; }

    /// <summary>The values of <see cref="SegmentRotationCentre"/>.</summary>
    public const string RotationAboutOrigin = "origin", RotationAboutCentroid = "centroid";

    public int[] EncoderHidden { get; init; } = [512, 256, 64, 64];
    public int[] DecoderHidden { get; init; } = [512, 512];
    /// <summary>The segmentation's parts; empty = <see cref="DefaultSegmentation.For"/> the structure (resolved when a run starts).</summary>
    public IReadOnlyList<SegmentationPartOptions> Segmentation { get; init; } = [];

    // --- optimisation ---
    /// <summary>Use only the first N images (null = all).</summary>
    public int? NImages { get; init; }
    /// <summary>The most epochs; with <see cref="StopOnPlateau"/> training usually stops earlier (<see cref="TrainingBudget"/>).</summary>
    public int Epochs { get; init; } = 400;
    /// <summary>Stop when the correlation has plateaued (after <see cref="MinSteps"/>); false = train exactly <see cref="Epochs"/> epochs.</summary>
    public bool StopOnPlateau { get; init; } = true;
    /// <summary>Optimiser steps before the plateau rule may stop the run (it also waits for the loss schedules to settle:
    /// <see cref="TrainingBudget.MinEpochs"/>); null = chosen from the data by a new run (<see cref="RampStepsChoice.MinStepsFor"/>;
    /// <see cref="RampStepsChoice.DefaultMinSteps"/> elsewhere).</summary>
    public int? MinSteps { get; init; }
    /// <summary>Plateau: the last quarter of the epochs judged (<see cref="PlateauFrom"/>) improved the correlation by less than this fraction of their improvement.</summary>
    public double PlateauTolerance { get; init; } = 0.05;
    /// <summary>
    /// What the plateau rule measures the last quarter's gain against: <see cref="PlateauFromSettled"/> (the default),
    /// the gain since the loss schedules settled, over the last quarter of the epochs since then; or
    /// <see cref="PlateauFromStart"/> (before 2026-12-02), the gain since the first epoch over the last quarter of all
    /// epochs — dominated by the base fit of the first epochs, it stopped while a weak motion was still being learned
    /// (docs/training-defaults.md §14).
    /// </summary>
    public string PlateauFrom { get; init; } = PlateauFromSettled;
    /// <summary>
    /// Plateau: the last quarter spans at least this many epochs (fewer only when they hold
    /// <see cref="TrainingBudget.PlateauWindowSteps"/> steps). An epoch's mean correlation is noisy; a window of two
    /// epochs right after the minimum budget read one flat pair of epochs as a plateau while the segments were still
    /// being learned (nmp-1ake: stopped at epoch 29, segmentation 0.864; 0.977 by epoch 71, docs/training-defaults.md §21).
    /// Runs before 2026-12-07 had 2.
    /// </summary>
    public int PlateauWindowEpochs { get; init; } = 4;

    /// <summary>
    /// Plateau: also wait while the latent still gains information — the mean KL(z) of the last
    /// <see cref="TrainingBudget.WindowEpochs"/> epochs above (1 + this) times that of the window ending where the last
    /// quarter begins. 0 = KL(z) not judged. null = chosen by a new run (<see cref="PlateauLatentGrowthChoice"/>: judged
    /// when KL(z) is priced by the images' likelihood, where a growing KL(z) is content worth its price, not noise bought
    /// cheaply); runs before 2026-12-07 (stop 31) had 0.
    /// </summary>
    public double? PlateauLatentGrowth { get; init; }

    /// <summary>The values of <see cref="PlateauFrom"/>.</summary>
    public const string PlateauFromStart = "start", PlateauFromSettled = "settled";
    /// <summary>Fraction of the particles kept out of training (<see cref="HeldOutSplit"/>: at most 2,000, none when fewer
    /// than 50 or with per-image latents); metrics.csv and analyze's training_corr.png give their correlation beside the
    /// training one, whose lead over it is what the model has fitted of the training particles' noise. A diagnostic: the
    /// plateau rule still reads the training correlation, because the held-out one did not track the motion's recovery
    /// (docs/training-defaults.md §13). 0 (the default) = off.</summary>
    public double HeldOutFraction { get; init; }
    /// <summary>Steps of a linear loss-weight ramp (KL(z) by default; at most half the run) when the schedule gives no M;
    /// null = chosen from the data by a new run (<see cref="RampStepsChoice"/>; <see cref="RampStepsChoice.Default"/> elsewhere).</summary>
    public int? RampSteps { get; init; }
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 3e-4;
    /// <summary>Segmentation learning rate; null = same as <see cref="LearningRate"/>.</summary>
    public double? LearningRateSegmentation { get; init; } = 1e-3;
    public int[] SchedulerMilestones { get; init; } = [];
    public double SchedulerDecay { get; init; } = 0.1;
    public double EpsilonKl { get; init; } = 1e-10;
    /// <summary>Random seed; null = pick one and record it in config.yaml.</summary>
    public int? Seed { get; init; }

    // --- losses ---
    public bool FullClashLoss { get; init; }
    public double ClashCutoff { get; init; } = 4.0;
    public double MinClashCutoffPairs { get; init; } = 4.0;
    public double MaxClashCutoffPairs { get; init; } = 10.0;
    public LossTermOptions Clash { get; init; } = new("constant", 0.0);
    public LossTermOptions Continuity { get; init; } = new("constant", 0.0);
    public LossTermOptions KlLatent { get; init; } = new("linear", null);
    /// <summary>Free nats while KL(z) ramps in: KL(z) (batch mean) below this costs nothing, so a weak motion cannot be
    /// pushed out of the latent before the decoder has learned to use it (Kingma et al. 2016); the floor then fades to
    /// none (<see cref="LossWeights.FreeNats"/>; docs/training-defaults.md §9). 1 nat is about what one well-determined
    /// coordinate carries (r 0.93 with the truth). 0 = off.</summary>
    public double KlLatentFreeNats { get; init; } = 1.0;
    /// <summary>The decoder sees the posterior means, without the reparameterised noise, while KL(z) ramps in; the noise
    /// then fades in over as many steps again (<see cref="LossWeights.LatentNoiseScale"/>). With noise from the first
    /// step, a latent dimension that carries nothing yet feeds the decoder pure noise, the decoder learns to ignore it,
    /// and a second, weaker motion never finds a way into the latent (docs/training-defaults.md §10, §11). `latent_noise_warmup`;
    /// null (the default) = chosen from the encoder's input and the data when a new run starts (<see cref="LatentNoiseWarmupChoice"/>:
    /// off with forces), and
    /// written resolved into the run's config.yaml.</summary>
    public bool? LatentNoiseWarmup { get; init; }
    public LossTermOptions KlSegmentationMean { get; init; } = new("constant", 1e-5);
    public LossTermOptions KlSegmentationStd { get; init; } = new("constant", 1e-5);
    public LossTermOptions KlSegmentationProportions { get; init; } = new("constant", 1e-5);
    public LossTermOptions L2 { get; init; } = new("constant", 0.0);

    // --- running ---
    public string Device { get; init; } = "auto";
    public int Threads { get; init; }
    public string? OutDir { get; init; }
    /// <summary>Checkpoints kept (the newest K); 0 = keep all.</summary>
    public int KeepCheckpoints { get; init; } = 3;
    public string? ResumeModel { get; init; }
    public string? ResumeSegmentation { get; init; }
    /// <summary>Batches between plain log lines when output is not a terminal.</summary>
    public int LogInterval { get; init; } = 20;
}
