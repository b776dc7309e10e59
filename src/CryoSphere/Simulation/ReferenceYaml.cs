using System.Globalization;
using CryoSphere.Training;

namespace CryoSphere.Simulation;

/// <summary>
/// simulate's parameters.yaml, written so that both this tool and the reference tool (cryoSPHERE) train
/// from it unchanged. The reference indexes many keys directly (wandb, deterministic_cuda, N_images,
/// encoder, decoder, loss, resume_training, num_workers, epsilon_kl) and stops with a KeyError when one
/// is missing, so every one is written, with this tool's defaults so that our own training is unchanged;
/// the key set follows shared/tools/reference-bench/bench_yaml.py, which is known to run the reference.
/// </summary>
internal static class ReferenceYaml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Parameters(SimulationOptions o, TrainOptions d)
    {
        var w = new StringWriter { NewLine = "\n" };
        w.WriteLine($"name: \"simulated_{o.Motion}\"");
        w.WriteLine("wandb: False");
        w.WriteLine("wandb_project: \"none\"");
        w.WriteLine("folder_path: \".\"");
        w.WriteLine("base_structure_path: \"base.pdb\"");
        w.WriteLine("image_yaml: \"images.yaml\"");
        w.WriteLine("particles_path: \".\"");
        w.WriteLine("cs_star_file:");
        w.WriteLine("  file: \"particles.star\"");
        w.WriteLine("segmentation_config:");
        w.WriteLine("  part1:");
        w.WriteLine("    all_protein: True");
        w.WriteLine($"    N_segm: {d.Segmentation[0].Segments}");
        w.WriteLine("    segmentation_start:");
        w.WriteLine("      type: \"uniform\"");
        w.WriteLine("    segmentation_prior:");
        w.WriteLine("      type: \"uniform\"");
        w.WriteLine("lp_bandwidth:");
        w.WriteLine($"loss_mask_radius: {F(d.LossMaskRadius)}");
        w.WriteLine($"input_mask_radius: {F(d.InputMaskRadius)}");
        w.WriteLine($"latent_dimension: {d.LatentDimension}");
        w.WriteLine($"tau_segmentation: {F(d.TauSegmentation)}");
        // "GPU" is the reference's spelling; here it means a GPU when there is one, else the CPU (as "auto").
        w.WriteLine("device: \"GPU\"");
        w.WriteLine("num_workers: 0");
        w.WriteLine("amortized: True");
        w.WriteLine($"N_images: {o.NImages}");
        w.WriteLine($"N_epochs: {d.Epochs}");
        w.WriteLine($"batch_size: {d.BatchSize}");
        // The reference eval()s epsilon_kl, so it must be a string there; this tool reads either.
        w.WriteLine($"epsilon_kl: \"{d.EpsilonKl.ToString("R", Inv)}\"");
        w.WriteLine($"seed: {o.Seed}");
        w.WriteLine("deterministic_cuda: False");
        w.WriteLine("encoder:");
        w.WriteLine($"  hidden_dimensions: [{string.Join(", ", d.EncoderHidden)}]");
        w.WriteLine("decoder:");
        w.WriteLine($"  hidden_dimensions: [{string.Join(", ", d.DecoderHidden)}]");
        w.WriteLine("optimizer:");
        w.WriteLine("  name: \"adam\"");
        w.WriteLine($"  learning_rate: {F(d.LearningRate)}");
        w.WriteLine($"  learning_rate_segmentation: {F(d.LearningRateSegmentation)}");
        w.WriteLine("loss:");
        w.WriteLine("  clashing_loss:");
        w.WriteLine($"    full_clashing_loss: {(d.FullClashLoss ? "True" : "False")}");
        w.WriteLine($"    clashing_cutoff: {F(d.ClashCutoff)}");
        w.WriteLine($"    min_clashing_cutoff_pairs: {F(d.MinClashCutoffPairs)}");
        w.WriteLine($"    max_clashing_cutoff_pairs: {F(d.MaxClashCutoffPairs)}");
        Term(w, d.Clash, null);
        Term(w, d.Continuity, "continuity_loss");
        Term(w, d.KlLatent, "KL_prior_latent");
        Term(w, d.KlSegmentationMean, "KL_prior_segmentation_mean");
        Term(w, d.KlSegmentationStd, "KL_prior_segmentation_std");
        Term(w, d.KlSegmentationProportions, "KL_prior_segmentation_proportions");
        Term(w, d.L2, "l2_pen");
        w.WriteLine("resume_training:");
        w.WriteLine("  model: null");
        w.WriteLine("  segmentation: null");
        return w.ToString();
    }

    private static void Term(TextWriter w, LossTermOptions t, string? name)
    {
        if (name is not null) w.WriteLine($"  {name}:");
        w.WriteLine($"    schedule: \"{t.Schedule}\"");
        if (t.Beta is { } b) w.WriteLine($"    beta: {F(b)}");
        if (t.M is { } m) w.WriteLine($"    M: {F(m)}");
        if (t.Schedule == "cyclical") w.WriteLine($"    R: {F(t.R)}");
    }

    /// <summary>
    /// A float both YAML readers take as a float: PyYAML (YAML 1.1) reads "1E-05" as a string, so exponents are
    /// written as "1.0e-05" (mantissa with a point, signed exponent).
    /// </summary>
    public static string F(double? v)
    {
        if (v is not { } x) return "";
        string s = x.ToString("R", Inv);
        int e = s.IndexOfAny(['E', 'e']);
        if (e < 0) return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
        string mant = s[..e], exp = s[(e + 1)..];
        if (!mant.Contains('.', StringComparison.Ordinal)) mant += ".0";
        if (exp[0] is not ('+' or '-')) exp = "+" + exp;
        return $"{mant}e{exp}";
    }
}
