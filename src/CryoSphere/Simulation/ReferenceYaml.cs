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

    /// <summary>The file's text for <paramref name="o"/>, with the training defaults of <paramref name="d"/> for a structure of <paramref name="residues"/> residues.</summary>
    public static string Parameters(SimulationOptions o, TrainOptions d, int residues)
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
        // The reference needs N_segm; the default for this structure is what our training would choose without it
        // (for a complex, our default divides the same total by chain; this file keeps one whole-protein part).
        w.WriteLine($"    N_segm: {d.Segmentation.FirstOrDefault()?.Segments ?? SegmentationPartOptions.DefaultSegmentsFor(residues)}");
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
        TrainConfigWriter.WriteLoss(w, d, YamlSpelling.Reference);
        w.WriteLine("resume_training:");
        w.WriteLine("  model: null");
        w.WriteLine("  segmentation: null");
        return w.ToString();
    }

    private static string F(double? v) => YamlSpelling.PyYamlFloat(v);
}
