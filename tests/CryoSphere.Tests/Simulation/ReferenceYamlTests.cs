using CryoSphere.Simulation;
using CryoSphere.Training;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CryoSphere.Tests.Simulation;

/// <summary>simulate's parameters.yaml carries every key the reference tool indexes, in forms both tools read.</summary>
public class ReferenceYamlTests
{
    // The keys cryoSPHERE reads without a default (its parser indexes them directly: a missing one is a KeyError),
    // as listed in shared/tools/reference-bench/README.md and written by its bench_yaml.py.
    private static readonly string[] ReferenceKeys =
    [
        "name", "wandb", "wandb_project", "folder_path", "base_structure_path", "image_yaml", "particles_path", "cs_star_file",
        "segmentation_config", "lp_bandwidth", "loss_mask_radius", "input_mask_radius", "latent_dimension", "tau_segmentation",
        "device", "num_workers", "amortized", "N_images", "N_epochs", "batch_size", "epsilon_kl", "seed", "deterministic_cuda",
        "encoder", "decoder", "optimizer", "loss", "resume_training",
    ];

    private static readonly string[] LossKeys =
        ["clashing_loss", "continuity_loss", "KL_prior_latent", "KL_prior_segmentation_mean", "KL_prior_segmentation_std", "KL_prior_segmentation_proportions", "l2_pen"];

    [Fact]
    public void SimulatedYamlHasEveryReferenceKeyAndTrainsWithOurDefaults()
    {
        string dir = TestData.TempDir("refyaml");
        var sim = CliRunner.Run("simulate", "--structure", TestData.Structure("1ake.pdb"), "--chains", "A", "--select", "A:122-159",
            "--axis", "A:118,A:167", "--n-images", "6", "--npix", "32", "--apix", "3", "--out", dir);
        Assert.True(sim.ExitCode == 0, sim.Err);
        string path = Path.Combine(dir, "parameters.yaml");
        var ys = new YamlStream();
        using (var r = new StringReader(File.ReadAllText(path))) ys.Load(r);
        var root = (YamlMappingNode)ys.Documents[0].RootNode;
        var keys = root.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
        foreach (var k in ReferenceKeys) Assert.Contains(k, keys);
        var loss = (YamlMappingNode)root["loss"];
        foreach (var k in LossKeys) Assert.Contains(new YamlScalarNode(k), loss.Children.Keys);
        Assert.Equal("6", ((YamlScalarNode)root["N_images"]).Value);
        // The reference eval()s epsilon_kl: it must be a quoted string.
        var eps = (YamlScalarNode)root["epsilon_kl"];
        Assert.Equal(ScalarStyle.DoubleQuoted, eps.Style);
        Assert.Equal(1e-10, double.Parse(eps.Value!, System.Globalization.CultureInfo.InvariantCulture));
        // PyYAML (YAML 1.1) reads 1E-05 as a string: every plain scalar with an exponent has a point and a signed exponent.
        foreach (var s in Scalars(root).Where(s => s.Style == ScalarStyle.Plain && s.Value is { } v && v.Contains('e', StringComparison.OrdinalIgnoreCase) && double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _)))
            Assert.Matches(@"^-?\d+\.\d*e[+-]\d+$", s.Value!);

        // Our reader: the same settings as our defaults, only the reference's bookkeeping keys ignored.
        var ignored = new List<string>();
        var o = TrainConfigReader.Read(path, ignored);
        var d = new TrainOptions();
        Assert.Equal(new[] { "deterministic_cuda", "num_workers", "wandb", "wandb_project" }, ignored.Order(StringComparer.Ordinal));
        Assert.Equal(d.Epochs, o.Epochs);
        Assert.Equal(d.BatchSize, o.BatchSize);
        Assert.Equal(d.LearningRate, o.LearningRate);
        Assert.Equal(d.LearningRateSegmentation, o.LearningRateSegmentation);
        Assert.Equal(d.EncoderHidden, o.EncoderHidden);
        Assert.Equal(d.DecoderHidden, o.DecoderHidden);
        Assert.Equal(d.KlSegmentationMean, o.KlSegmentationMean);
        Assert.Equal(d.KlLatent, o.KlLatent);
        Assert.Equal(d.Clash, o.Clash);
        Assert.Equal(d.EpsilonKl, o.EpsilonKl);
        Assert.Equal(6, o.NImages);
        Assert.Equal("GPU", o.Device);
    }

    [Theory]
    [InlineData(1e-5, "1.0e-05")]
    [InlineData(0.0003, "0.0003")]
    [InlineData(4.0, "4.0")]
    [InlineData(1.5e-10, "1.5e-10")]
    [InlineData(2e20, "2.0e+20")]
    public void FloatsAreWrittenSoPyYamlReadsAFloat(double v, string expected) => Assert.Equal(expected, YamlSpelling.PyYamlFloat(v));

    private static IEnumerable<YamlScalarNode> Scalars(YamlNode n) => n switch
    {
        YamlScalarNode s => [s],
        YamlMappingNode m => m.Children.Values.SelectMany(Scalars),
        YamlSequenceNode q => q.Children.SelectMany(Scalars),
        _ => [],
    };
}
