using System.Globalization;
using CryoSphere.IO;
using CryoSphere.Model;

namespace CryoSphere.Training;

/// <summary>
/// Writes <see cref="TrainOptions"/> as a YAML file with the reference tool's key names (images.yaml
/// keys inline), every default spelled out, so a run folder's config.yaml can be read back by
/// <see cref="TrainConfigReader"/> and re-run as is.
/// </summary>
public static class TrainConfigWriter
{
    public static void Write(string path, TrainOptions o) => AtomicFile.WriteAllText(path, ToYaml(o), durable: true);

    public static string ToYaml(TrainOptions o)
    {
        var w = new StringWriter { NewLine = "\n" };
        w.WriteLine("# CryoSphere resolved training configuration: every setting, defaults included.");
        Kv(w, 0, "name", Q(o.Name));
        Kv(w, 0, "base_structure_path", Q(o.BaseStructurePath));
        Kv(w, 0, "particles", Q(o.ParticlesPath));
        Kv(w, 0, "datadir", Q(o.DataDir));
        w.WriteLine("cs_star_file:");
        Kv(w, 1, "abinit", B(o.CsAbinit));
        Kv(w, 1, "hetrefine", B(o.CsHetrefine));
        Kv(w, 0, "chains", o.Chains is null ? "" : "[" + string.Join(", ", o.Chains.Select(Q)) + "]");
        Kv(w, 0, "apix", N(o.Apix));
        Kv(w, 0, "Npix", N(o.Npix));
        Kv(w, 0, "Npix_downsize", N(o.NpixDownsize));
        Kv(w, 0, "sigma_gmm", N(o.SigmaGmm));
        // None configured (the default, fixed per structure when a run starts): the key is left out.
        if (o.Segmentation.Count > 0) w.WriteLine("segmentation_config:");
        foreach (var p in o.Segmentation)
        {
            w.WriteLine($"  {p.Name}:");
            Kv(w, 2, "all_protein", B(p.AllProtein));
            Kv(w, 2, "N_segm", N(p.Segments));
            if (!p.AllProtein)
            {
                Kv(w, 2, "chain", Q(p.Chain));
                if (p.StartRes is not null) Kv(w, 2, "start_res", N(p.StartRes));
                if (p.EndRes is not null) Kv(w, 2, "end_res", N(p.EndRes));
            }
            SegValues(w, "segmentation_start_values", p.StartValues);
            SegValues(w, "segmentation_prior", p.PriorValues);
        }
        Kv(w, 0, "lp_bandwidth", N(o.LpBandwidth));
        Kv(w, 0, "loss_mask_radius", N(o.LossMaskRadius));
        Kv(w, 0, "input_mask_radius", N(o.InputMaskRadius));
        Kv(w, 0, "phase_flip_encoder_input", B(o.PhaseFlipEncoderInput));
        Kv(w, 0, "encoder_undo_psi", B(o.EncoderUndoPsi));
        Kv(w, 0, "encoder_subtract_base", B(o.EncoderSubtractBase));
        Kv(w, 0, "encoder_input", Q(o.EncoderInput));
        Kv(w, 0, "forces_cache_mib", N(o.ForcesCacheMib));
        Kv(w, 0, "encoder_forces_components", N(o.EncoderForcesComponents));
        Kv(w, 0, "encoder_npix", N(o.EncoderNpix));
        Kv(w, 0, "latent_dimension", N(o.LatentDimension));
        Kv(w, 0, "tau_segmentation", N(o.TauSegmentation));
        Kv(w, 0, "device", Q(o.Device));
        Kv(w, 0, "threads", N(o.Threads));
        Kv(w, 0, "amortized", B(o.Amortized));
        Kv(w, 0, "segment_rotation_centre", Q(o.SegmentRotationCentre));
        Kv(w, 0, "N_images", N(o.NImages));
        Kv(w, 0, "N_epochs", N(o.Epochs));
        Kv(w, 0, "stop_on_plateau", B(o.StopOnPlateau));
        Kv(w, 0, "min_steps", N(o.MinSteps));
        Kv(w, 0, "plateau_tolerance", N(o.PlateauTolerance));
        Kv(w, 0, "plateau_from", Q(o.PlateauFrom));
        Kv(w, 0, "plateau_window_epochs", N(o.PlateauWindowEpochs));
        Kv(w, 0, "plateau_latent_growth", N(o.PlateauLatentGrowth));
        Kv(w, 0, "held_out_fraction", N(o.HeldOutFraction));
        Kv(w, 0, "ramp_steps", N(o.RampSteps));
        Kv(w, 0, "kl_latent_free_nats", N(o.KlLatentFreeNats));
        Kv(w, 0, "latent_noise_warmup", o.LatentNoiseWarmup is { } warm ? B(warm) : "");
        Kv(w, 0, "batch_size", N(o.BatchSize));
        Kv(w, 0, "epsilon_kl", N(o.EpsilonKl));
        Kv(w, 0, "seed", N(o.Seed));
        Kv(w, 0, "keep_checkpoints", N(o.KeepCheckpoints));
        Kv(w, 0, "log_interval", N(o.LogInterval));
        w.WriteLine("encoder:");
        Kv(w, 1, "hidden_dimensions", L(o.EncoderHidden));
        w.WriteLine("decoder:");
        Kv(w, 1, "hidden_dimensions", L(o.DecoderHidden));
        w.WriteLine("optimizer:");
        Kv(w, 1, "name", "\"adam\"");
        Kv(w, 1, "learning_rate", N(o.LearningRate));
        Kv(w, 1, "learning_rate_segmentation", N(o.LearningRateSegmentation));
        w.WriteLine("scheduler:");
        Kv(w, 1, "milestones", L(o.SchedulerMilestones));
        Kv(w, 1, "decay", N(o.SchedulerDecay));
        WriteLoss(w, o, YamlSpelling.Config);
        w.WriteLine("resume_training:");
        Kv(w, 1, "model", Q(o.ResumeModel));
        Kv(w, 1, "segmentation", Q(o.ResumeSegmentation));
        return w.ToString();
    }

    /// <summary>
    /// The <c>loss:</c> section: clash settings and every term's schedule, in the reference tool's key names. The one
    /// writer of it, for config.yaml and for simulate's parameters.yaml (<paramref name="spell"/> chooses how values
    /// are written and whether unset keys appear).
    /// </summary>
    internal static void WriteLoss(TextWriter w, TrainOptions o, YamlSpelling spell)
    {
        w.WriteLine("loss:");
        w.WriteLine("  clashing_loss:");
        Kv(w, 2, "full_clashing_loss", spell.Boolean(o.FullClashLoss));
        Kv(w, 2, "clashing_cutoff", spell.Number(o.ClashCutoff));
        Kv(w, 2, "min_clashing_cutoff_pairs", spell.Number(o.MinClashCutoffPairs));
        Kv(w, 2, "max_clashing_cutoff_pairs", spell.Number(o.MaxClashCutoffPairs));
        Term(w, spell, o.Clash, null);
        Term(w, spell, o.Continuity, "continuity_loss");
        Term(w, spell, o.KlLatent, "KL_prior_latent");
        Term(w, spell, o.KlSegmentationMean, "KL_prior_segmentation_mean");
        Term(w, spell, o.KlSegmentationStd, "KL_prior_segmentation_std");
        Term(w, spell, o.KlSegmentationProportions, "KL_prior_segmentation_proportions");
        Term(w, spell, o.L2, "l2_pen");
    }

    private static void Term(TextWriter w, YamlSpelling spell, LossTermOptions t, string? name)
    {
        if (name is not null) w.WriteLine($"  {name}:");
        Kv(w, 2, "schedule", Q(t.Schedule));
        if (spell.AllKeys || t.Beta is not null) Kv(w, 2, "beta", spell.Number(t.Beta));
        if (spell.AllKeys || t.M is not null) Kv(w, 2, "M", spell.Number(t.M));
        if (spell.AllKeys || t.Schedule == "cyclical") Kv(w, 2, "R", spell.Number(t.R));
    }

    private static void SegValues(TextWriter w, string key, SegmentationGaussians? v)
    {
        if (v is null) return;
        w.WriteLine($"    {key}:");
        Kv(w, 3, "means_means", L(v.Means.Mean));
        Kv(w, 3, "means_stds", L(v.Means.Std));
        Kv(w, 3, "stds_means", L(v.Widths.Mean));
        Kv(w, 3, "stds_stds", L(v.Widths.Std));
        Kv(w, 3, "proportions_means", L(v.Proportions.Mean));
        Kv(w, 3, "proportions_stds", L(v.Proportions.Std));
    }

    private static void Kv(TextWriter w, int depth, string k, string v) =>
        w.WriteLine(v.Length == 0 ? $"{new string(' ', 2 * depth)}{k}:" : $"{new string(' ', 2 * depth)}{k}: {v}");

    private static string Q(string? s) => s is null ? "" : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    private static string B(bool b) => b ? "true" : "false";
    internal static string N(double? d) => d is null ? "" : d.Value.ToString("R", CultureInfo.InvariantCulture);
    private static string N(int? d) => d is null ? "" : d.Value.ToString(CultureInfo.InvariantCulture);
    private static string L(IEnumerable<int> xs) => "[" + string.Join(", ", xs.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]";
    private static string L(IEnumerable<double> xs) => "[" + string.Join(", ", xs.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
