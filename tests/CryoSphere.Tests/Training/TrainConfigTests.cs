using CryoSphere.IO;
using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

public class TrainConfigTests
{
    private const string ReferenceStyle = """
        name: "cryoSPHERE_run"
        wandb: True
        wandb_project: "VAECryoEM"
        folder_path: "."
        base_structure_path: "base.pdb"
        image_yaml: "images.yaml"
        particles_path: "."
        cs_star_file:
          file: "particles.star"
          abinit: False
          hetrefine: False
        segmentation_config:
          part1:
            all_protein: True
            N_segm: 20
            segmentation_start:
              type: "uniform"
            segmentation_prior:
              type: "uniform"
        lp_bandwidth:
        loss_mask_radius: 1
        input_mask_radius: 1
        latent_dimension: 8
        tau_segmentation: 0.05
        device: "GPU"
        num_workers: 4
        amortized: True
        N_images:
        N_epochs: 300
        batch_size: 128
        epsilon_kl: 1e-10
        seed: 123
        deterministic_cuda: False
        encoder:
            hidden_dimensions: [512, 256, 64, 64]
        decoder:
            hidden_dimensions: [512, 512]
        optimizer:
          name: "adam"
          learning_rate: 0.00003
          learning_rate_segmentation: 0.0003
        loss:
          clashing_loss:
            full_clashing_loss: True
            clashing_cutoff: 4
            min_clashing_cutoff_pairs: 4
            max_clashing_cutoff_pairs: 10
            schedule: "constant"
            beta: 0.1
          continuity_loss:
            schedule: "constant"
            beta: 0.1
          KL_prior_latent:
            schedule: "linear"
          KL_prior_segmentation_mean:
            schedule: "linear"
          KL_prior_segmentation_std:
            schedule: "linear"
          KL_prior_segmentation_proportions:
            schedule: "cyclical"
            M: 5
            R: 0.5
          l2_pen:
            schedule: "constant"
            beta: 0.000001
        resume_training:
          model: null
          segmentation: null
        """;

    private static string WriteSet(string parameters)
    {
        string dir = TestData.TempDir("cfg");
        File.WriteAllText(Path.Combine(dir, "images.yaml"), "apix: 1.5\nNpix: 64\nNpix_downsize: 32\nsigma_gmm: 2.5\n");
        File.WriteAllText(Path.Combine(dir, "base.pdb"), "");
        File.WriteAllText(Path.Combine(dir, "particles.star"), "");
        string p = Path.Combine(dir, "parameters.yaml");
        File.WriteAllText(p, parameters);
        return p;
    }

    [Fact]
    public void ReadsTheReferenceToolsKeys()
    {
        var ignored = new List<string>();
        var o = TrainConfigReader.Read(WriteSet(ReferenceStyle), ignored);
        Assert.Equal(300, o.Epochs);
        Assert.Equal(3e-5, o.LearningRate, 12);
        Assert.Equal(3e-4, o.LearningRateSegmentation!.Value, 12);
        Assert.Equal(20, o.Segmentation.Single().Segments);
        Assert.True(o.Segmentation.Single().AllProtein);
        Assert.Equal(1.5, o.Apix);
        Assert.Equal(32, o.NpixDownsize);
        Assert.Equal(2.5, o.SigmaGmm);
        Assert.Null(o.LpBandwidth);
        Assert.Equal(123, o.Seed);
        Assert.True(o.FullClashLoss);
        Assert.Equal(0.1, o.Clash.Beta);
        Assert.Equal("cyclical", o.KlSegmentationProportions.Schedule);
        Assert.Equal(5.0, o.KlSegmentationProportions.M);
        Assert.EndsWith("particles.star", o.ParticlesPath);
        Assert.Contains("wandb", ignored);
        Assert.Contains("num_workers", ignored);
    }

    [Fact]
    public void ResolvedConfigReadsBackToTheSameSettings()
    {
        var o = TrainConfigReader.Read(WriteSet(ReferenceStyle));
        string dir = TestData.TempDir("cfg");
        string p = Path.Combine(dir, "config.yaml");
        TrainConfigWriter.Write(p, o);
        var back = TrainConfigReader.Read(p);
        Assert.Equal(TrainConfigWriter.ToYaml(o), TrainConfigWriter.ToYaml(back));
        Assert.Equal(TrainConfigWriter.ToYaml(new TrainOptions()),
            TrainConfigWriter.ToYaml(RoundTrip(new TrainOptions(), dir)));
        foreach (bool? choice in new bool?[] { true, false, null })
            Assert.Equal(choice, RoundTrip(new TrainOptions { LatentNoiseWarmup = choice }, dir).LatentNoiseWarmup);
    }

    /// <summary>
    /// A run folder written before a key existed trained without what that key now turns on by default: resuming or
    /// analysing it must compute what it computed (a user-written config without the key gets today's default).
    /// </summary>
    [Fact]
    public void RecordedConfigWithoutLaterKeysKeepsWhatTheRunTrainedWith()
    {
        string dir = TestData.TempDir("cfg-old");
        string p = Path.Combine(dir, "config.yaml");
        TrainConfigWriter.Write(p, new TrainOptions());
        var lines = File.ReadAllLines(p);
        Assert.Contains(lines, l => l.StartsWith("latent_noise_warmup:"));
        Assert.Contains(lines, l => l.StartsWith("kl_latent_free_nats:"));
        File.WriteAllLines(p, lines.Where(l => !l.StartsWith("latent_noise_warmup:") && !l.StartsWith("kl_latent_free_nats:")));
        var old = TrainConfigReader.ReadRecorded(p);
        Assert.False(old.LatentNoiseWarmup);
        Assert.Equal(0, old.KlLatentFreeNats);
        File.WriteAllLines(p, lines.Where(l => !l.StartsWith("segment_rotation_centre:")));
        Assert.Equal("origin", TrainConfigReader.ReadRecorded(p).SegmentRotationCentre);
        // A run from before the held-out particles trained on all of them, whatever the default becomes.
        TrainConfigWriter.Write(p, new TrainOptions { HeldOutFraction = 0.1 });
        var withHeldOut = File.ReadAllLines(p);
        Assert.Equal(0.1, TrainConfigReader.ReadRecorded(p).HeldOutFraction);
        File.WriteAllLines(p, withHeldOut.Where(l => !l.StartsWith("held_out_fraction:")));
        Assert.Equal(0, TrainConfigReader.ReadRecorded(p).HeldOutFraction);
        File.WriteAllLines(p, lines.Where(l => !l.StartsWith("latent_noise_warmup:") && !l.StartsWith("kl_latent_free_nats:")));
        var asUserConfig = TrainConfigReader.Read(p);
        Assert.Null(asUserConfig.LatentNoiseWarmup);
        Assert.Equal(new TrainOptions().KlLatentFreeNats, asUserConfig.KlLatentFreeNats);
        // A recorded config that has the keys reads back exactly.
        TrainConfigWriter.Write(p, new TrainOptions());
        Assert.Equal(TrainConfigWriter.ToYaml(new TrainOptions()), TrainConfigWriter.ToYaml(TrainConfigReader.ReadRecorded(p)));
    }

    private static TrainOptions RoundTrip(TrainOptions o, string dir)
    {
        string p = Path.Combine(dir, "defaults.yaml");
        TrainConfigWriter.Write(p, o);
        return TrainConfigReader.Read(p);
    }

    [Fact]
    public void UnknownKeyIsNamed()
    {
        string p = WriteSet(ReferenceStyle.Replace("latent_dimension: 8", "latent_dimenson: 8"));
        var e = Assert.Throws<InputException>(() => TrainConfigReader.Read(p));
        Assert.Contains("latent_dimenson", e.Message);
        Assert.Contains(p, e.Message);
    }

    [Fact]
    public void SegmentRotationCentreIsReadAndAnUnknownOneIsNamed()
    {
        string p = WriteSet(ReferenceStyle + "\nsegment_rotation_centre: origin\n");
        Assert.Equal("origin", TrainConfigReader.Read(p).SegmentRotationCentre);
        var ake = StructureReader.ReadStructure(TestData.Structure("1ake.pdb"));
        Assert.False(ModelFactory.Options(TrainConfigReader.Read(p), ake, 8, 4).RotateAboutSegmentCentroids);
        // Unset (docs/training-defaults.md §21): chosen by what the encoder reads — centroids with forces, the box centre
        // with the image; a YAML that does not say leaves it to that choice.
        Assert.Null(TrainConfigReader.Read(WriteSet(ReferenceStyle)).SegmentRotationCentre);
        Assert.True(ModelFactory.Options(new TrainOptions { EncoderInput = TrainOptions.EncoderInputForces }, ake, 8, 4).RotateAboutSegmentCentroids);
        Assert.False(ModelFactory.Options(new TrainOptions { EncoderInput = TrainOptions.EncoderInputImage }, ake, 8, 4).RotateAboutSegmentCentroids);
        Assert.True(ModelFactory.Options(new TrainOptions { EncoderInput = TrainOptions.EncoderInputImage, SegmentRotationCentre = "centroid" }, ake, 8, 4).RotateAboutSegmentCentroids);
        p = WriteSet(ReferenceStyle + "\nsegment_rotation_centre: hinge\n");
        var e = Assert.Throws<InputException>(() => TrainConfigReader.Read(p));
        Assert.Contains("segment_rotation_centre", e.Message);
        Assert.Contains("'hinge'", e.Message);
        Assert.Contains(p, e.Message);
    }

    [Fact]
    public void PlateauFromIsReadWrittenAndAnUnknownOneIsNamed()
    {
        string p = WriteSet(ReferenceStyle + "\nplateau_from: settled\n");
        Assert.Equal(TrainOptions.PlateauFromSettled, TrainConfigReader.Read(p).PlateauFrom);
        string w = Path.Combine(TestData.TempDir("plateau-from"), "config.yaml");
        TrainConfigWriter.Write(w, new TrainOptions { PlateauFrom = TrainOptions.PlateauFromSettled });
        Assert.Equal(TrainOptions.PlateauFromSettled, TrainConfigReader.ReadRecorded(w).PlateauFrom);
        // A run from before the key judged its plateau from the first epoch, whatever the default becomes.
        File.WriteAllLines(w, File.ReadAllLines(w).Where(l => !l.StartsWith("plateau_from:")));
        Assert.Equal(TrainOptions.PlateauFromStart, TrainConfigReader.ReadRecorded(w).PlateauFrom);
        p = WriteSet(ReferenceStyle + "\nplateau_from: end\n");
        var e = Assert.Throws<InputException>(() => TrainConfigReader.Read(p));
        Assert.Contains("plateau_from", e.Message);
        Assert.Contains("'end'", e.Message);
        Assert.Contains(p, e.Message);
    }

    [Fact]
    public void PlateauWindowIsReadWrittenAndTwoForRunsFromBeforeIt()
    {
        Assert.Equal(6, TrainConfigReader.Read(WriteSet(ReferenceStyle + "\nplateau_window_epochs: 6\n")).PlateauWindowEpochs);
        string w = Path.Combine(TestData.TempDir("plateau-window"), "config.yaml");
        TrainConfigWriter.Write(w, new TrainOptions { PlateauWindowEpochs = 5 });
        Assert.Equal(5, TrainConfigReader.ReadRecorded(w).PlateauWindowEpochs);
        // A run from before the key judged its plateau on windows of two epochs: resumed, it stops where it would have.
        File.WriteAllLines(w, File.ReadAllLines(w).Where(l => !l.StartsWith("plateau_window_epochs:")));
        Assert.Equal(2, TrainConfigReader.ReadRecorded(w).PlateauWindowEpochs);
        Assert.Equal(4, new TrainOptions().PlateauWindowEpochs);
    }

    [Fact]
    public void EncoderInputIsOneOfItsValuesAndImageForRunsFromBeforeIt()
    {
        Assert.Equal(TrainOptions.EncoderInputForces, TrainConfigReader.Read(WriteSet(ReferenceStyle + "\nencoder_input: forces\n")).EncoderInput);
        string w = Path.Combine(TestData.TempDir("encoder-input"), "config.yaml");
        TrainConfigWriter.Write(w, new TrainOptions { EncoderInput = TrainOptions.EncoderInputForces });
        Assert.Equal(TrainOptions.EncoderInputForces, TrainConfigReader.ReadRecorded(w).EncoderInput);
        File.WriteAllLines(w, File.ReadAllLines(w).Where(l => !l.StartsWith("encoder_input:")));
        Assert.Equal(TrainOptions.EncoderInputImage, TrainConfigReader.ReadRecorded(w).EncoderInput);
        string p = WriteSet(ReferenceStyle + "\nencoder_input: pixels\n");
        var e = Assert.Throws<InputException>(() => TrainConfigReader.Read(p));
        Assert.Contains("encoder_input", e.Message);
        Assert.Contains("'pixels'", e.Message);
    }

    [Fact]
    public void ForcesCacheSizeIsReadWrittenAndOffForRunsFromBeforeIt()
    {
        Assert.Equal(2048, new TrainOptions().ForcesCacheMib);
        Assert.Equal(512, TrainConfigReader.Read(WriteSet(ReferenceStyle + "\nforces_cache_mib: 512\n")).ForcesCacheMib);
        string w = Path.Combine(TestData.TempDir("forces-cache"), "config.yaml");
        TrainConfigWriter.Write(w, new TrainOptions { ForcesCacheMib = 100 });
        Assert.Equal(100, TrainConfigReader.ReadRecorded(w).ForcesCacheMib);
        // A run from before the key computed its forces every batch; resumed, it goes on doing so.
        File.WriteAllLines(w, File.ReadAllLines(w).Where(l => !l.StartsWith("forces_cache_mib:")));
        Assert.Equal(0, TrainConfigReader.ReadRecorded(w).ForcesCacheMib);
    }

    // Encoder options under study: read, written, and off for a run folder written before the key existed.
    [Theory]
    [InlineData("encoder_undo_psi")]
    [InlineData("encoder_subtract_base")]
    public void EncoderOptionsAreReadWrittenAndOffForRunsFromBeforeThem(string key)
    {
        Func<TrainOptions, bool> get = key == "encoder_undo_psi" ? o => o.EncoderUndoPsi : o => o.EncoderSubtractBase;
        var on = key == "encoder_undo_psi" ? new TrainOptions { EncoderUndoPsi = true } : new TrainOptions { EncoderSubtractBase = true };
        Assert.True(get(TrainConfigReader.Read(WriteSet(ReferenceStyle + $"\n{key}: True\n"))));
        Assert.False(get(new TrainOptions()));
        string w = Path.Combine(TestData.TempDir(key), "config.yaml");
        TrainConfigWriter.Write(w, on);
        Assert.True(get(TrainConfigReader.ReadRecorded(w)));
        File.WriteAllLines(w, File.ReadAllLines(w).Where(l => !l.StartsWith(key + ":")));
        Assert.False(get(TrainConfigReader.ReadRecorded(w)));
    }

    [Fact]
    public void TabIndentationIsReportedWithItsLine()
    {
        string p = WriteSet("name: x\ncs_star_file:\n\tfile: a.star\n");
        var e = Assert.Throws<InputException>(() => TrainConfigReader.Read(p));
        Assert.Equal(3, e.Line);
        Assert.Contains("tab", e.Message);
    }

    [Fact]
    public void MissingFileIsAnInputError()
    {
        var e = Assert.Throws<InputException>(() => TrainConfigReader.Read("/nonexistent/parameters.yaml"));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void LocalPartsAreRead()
    {
        string yaml = "segmentation_config:\n  part1:\n    chain: \"A\"\n    start_res: 0\n    end_res: 100\n    N_segm: 3\n    segmentation_start_values:\n      means_means: [10, 50, 90]\n      means_stds: [1, 1, 1]\n      stds_means: [5, 5, 5]\n      stds_stds: [1, 1, 1]\n      proportions_means: [0, 0, 0]\n      proportions_stds: [1, 1, 1]\n  part2:\n    chain: \"B\"\n    start_res: 5\n    end_res: 50\n    N_segm: 2\n";
        var o = TrainConfigReader.Read(WriteSet(yaml));
        Assert.Equal(2, o.Segmentation.Count);
        Assert.False(o.Segmentation[0].AllProtein);
        Assert.Equal("A", o.Segmentation[0].Chain);
        Assert.Equal(new double[] { 10, 50, 90 }, o.Segmentation[0].StartValues!.Means.Mean);
        Assert.Equal(5, o.Segmentation[1].StartRes);
    }
}
