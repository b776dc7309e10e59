using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using CryoSphere.Model;

namespace CryoSphere.Training;

/// <summary>
/// Reads the reference tool's parameters.yaml (+ the images.yaml it names) and our own run
/// config.yaml into <see cref="TrainOptions"/>. Every key is known: keys with no meaning here are
/// reported as ignored; an unknown key is an error naming it (method.md §8).
/// </summary>
public static class TrainConfigReader
{
    private static readonly HashSet<string> IgnoredKeys = ["wandb", "wandb_project", "num_workers", "deterministic_cuda"];

    /// <summary>Reads <paramref name="path"/>; <paramref name="ignored"/> receives keys accepted but unused.</summary>
    public static TrainOptions Read(string path, List<string>? ignored = null)
    {
        var root = Load(path);
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var o = new TrainOptions();
        string? folder = null;
        string? imageYaml = null;
        var paths = new Dictionary<string, string>();

        foreach (var (key, node) in Entries(root))
        {
            string ctx = key;
            switch (key)
            {
                case "wandb" or "wandb_project" or "num_workers" or "deterministic_cuda":
                    ignored?.Add(key);
                    break;
                case "name": o = o with { Name = Str(path, ctx, node) ?? o.Name }; break;
                case "folder_path": folder = Str(path, ctx, node); break;
                case "base_structure_path": if (Str(path, ctx, node) is { } b) paths["structure"] = b; break;
                case "image_yaml": imageYaml = Str(path, ctx, node); break;
                case "particles_path": case "datadir": if (Str(path, ctx, node) is { } d) paths["datadir"] = d; break;
                case "particles": if (Str(path, ctx, node) is { } p) paths["particles"] = p; break;
                case "cs_star_file":
                    foreach (var (k2, n2) in Entries(Map(path, ctx, node)))
                    {
                        string c2 = $"{ctx}.{k2}";
                        switch (k2)
                        {
                            case "file": if (Str(path, c2, n2) is { } f) paths["particles"] = f; break;
                            case "abinit": o = o with { CsAbinit = Bool(path, c2, n2) ?? false }; break;
                            case "hetrefine": o = o with { CsHetrefine = Bool(path, c2, n2) ?? false }; break;
                            default: throw Unknown(path, c2, n2);
                        }
                    }
                    break;
                case "chains": o = o with { Chains = StrList(path, ctx, node) }; break;
                case "apix": o = o with { Apix = Dbl(path, ctx, node) }; break;
                case "Npix": o = o with { Npix = Int(path, ctx, node) }; break;
                case "Npix_downsize": o = o with { NpixDownsize = Int(path, ctx, node) }; break;
                case "sigma_gmm": o = o with { SigmaGmm = Dbl(path, ctx, node) ?? o.SigmaGmm }; break;
                case "segmentation_config": o = o with { Segmentation = ReadSegmentation(path, Map(path, ctx, node)) }; break;
                case "lp_bandwidth": o = o with { LpBandwidth = Dbl(path, ctx, node) }; break;
                case "loss_mask_radius": o = o with { LossMaskRadius = Dbl(path, ctx, node) }; break;
                case "input_mask_radius": o = o with { InputMaskRadius = Dbl(path, ctx, node) }; break;
                case "encoder_npix": o = o with { EncoderNpix = Int(path, ctx, node) }; break;
                case "phase_flip_encoder_input": o = o with { PhaseFlipEncoderInput = Bool(path, ctx, node) ?? true }; break;
                case "encoder_undo_psi": o = o with { EncoderUndoPsi = Bool(path, ctx, node) ?? false }; break;
                case "encoder_subtract_base": o = o with { EncoderSubtractBase = Bool(path, ctx, node) ?? false }; break;
                case "encoder_input":
                    o = o with { EncoderInput = Str(path, ctx, node) is null ? null : OneOf(path, ctx, node, "", TrainOptions.EncoderInputImage, TrainOptions.EncoderInputForces) };
                    break;
                case "forces_cache_mib": o = o with { ForcesCacheMib = Int(path, ctx, node) ?? o.ForcesCacheMib }; break;
                case "encoder_forces_components": o = o with { EncoderForcesComponents = Int(path, ctx, node) ?? 0 }; break;
                case "latent_dimension": o = o with { LatentDimension = Int(path, ctx, node) ?? o.LatentDimension }; break;
                case "tau_segmentation": o = o with { TauSegmentation = Dbl(path, ctx, node) ?? o.TauSegmentation }; break;
                case "device": o = o with { Device = Str(path, ctx, node) ?? o.Device }; break;
                case "threads": o = o with { Threads = Int(path, ctx, node) ?? 0 }; break;
                case "amortized": o = o with { Amortized = Bool(path, ctx, node) ?? true }; break;
                case "segment_rotation_centre":
                    o = o with { SegmentRotationCentre = Str(path, ctx, node) is null ? null : OneOf(path, ctx, node, "", TrainOptions.RotationAboutOrigin, TrainOptions.RotationAboutCentroid) };
                    break;
                case "N_images": o = o with { NImages = Int(path, ctx, node) }; break;
                case "N_epochs": o = o with { Epochs = Int(path, ctx, node) ?? o.Epochs }; break;
                case "stop_on_plateau": o = o with { StopOnPlateau = Bool(path, ctx, node) ?? o.StopOnPlateau }; break;
                case "min_steps": o = o with { MinSteps = Int(path, ctx, node) ?? o.MinSteps }; break;
                case "plateau_tolerance": o = o with { PlateauTolerance = Dbl(path, ctx, node) ?? o.PlateauTolerance }; break;
                case "plateau_from":
                    o = o with { PlateauFrom = OneOf(path, ctx, node, o.PlateauFrom, TrainOptions.PlateauFromStart, TrainOptions.PlateauFromSettled) };
                    break;
                case "plateau_window_epochs": o = o with { PlateauWindowEpochs = Int(path, ctx, node) ?? o.PlateauWindowEpochs }; break;
                case "plateau_latent_growth": o = o with { PlateauLatentGrowth = Dbl(path, ctx, node) }; break;
                case "held_out_fraction": o = o with { HeldOutFraction = Dbl(path, ctx, node) ?? o.HeldOutFraction }; break;
                case "latent_noise_warmup": o = o with { LatentNoiseWarmup = Bool(path, ctx, node) }; break;
                case "kl_latent_free_nats": o = o with { KlLatentFreeNats = Dbl(path, ctx, node) ?? o.KlLatentFreeNats }; break;
                case "ramp_steps": o = o with { RampSteps = Int(path, ctx, node) ?? o.RampSteps }; break;
                case "batch_size": o = o with { BatchSize = Int(path, ctx, node) ?? o.BatchSize }; break;
                case "epsilon_kl": o = o with { EpsilonKl = Dbl(path, ctx, node) ?? o.EpsilonKl }; break;
                case "seed": o = o with { Seed = Int(path, ctx, node) }; break;
                case "keep_checkpoints": o = o with { KeepCheckpoints = Int(path, ctx, node) ?? o.KeepCheckpoints }; break;
                case "log_interval": o = o with { LogInterval = Int(path, ctx, node) ?? o.LogInterval }; break;
                case "encoder": o = o with { EncoderHidden = Hidden(path, ctx, node) ?? o.EncoderHidden }; break;
                case "decoder": o = o with { DecoderHidden = Hidden(path, ctx, node) ?? o.DecoderHidden }; break;
                case "optimizer": o = ReadOptimizer(path, ctx, Map(path, ctx, node), o); break;
                case "scheduler":
                    foreach (var (k2, n2) in Entries(Map(path, ctx, node)))
                    {
                        string c2 = $"{ctx}.{k2}";
                        switch (k2)
                        {
                            case "milestones": o = o with { SchedulerMilestones = IntList(path, c2, n2) ?? [] }; break;
                            case "decay": o = o with { SchedulerDecay = Dbl(path, c2, n2) ?? o.SchedulerDecay }; break;
                            default: throw Unknown(path, c2, n2);
                        }
                    }
                    break;
                case "loss": o = ReadLoss(path, ctx, Map(path, ctx, node), o); break;
                case "resume_training":
                    foreach (var (k2, n2) in Entries(Map(path, ctx, node)))
                    {
                        string c2 = $"{ctx}.{k2}";
                        switch (k2)
                        {
                            case "model": o = o with { ResumeModel = Str(path, c2, n2) }; break;
                            case "segmentation": o = o with { ResumeSegmentation = Str(path, c2, n2) }; break;
                            default: throw Unknown(path, c2, n2);
                        }
                    }
                    break;
                default: throw Unknown(path, key, node);
            }
        }

        if (imageYaml is not null)
        {
            string img = ResolveExisting(imageYaml, folder, baseDir)
                ?? throw new InputException(path, $"image_yaml: file '{imageYaml}' not found");
            o = ReadImages(img, o);
        }
        if (paths.TryGetValue("structure", out var s))
            o = o with { BaseStructurePath = ResolveExisting(s, folder, baseDir) ?? Path.GetFullPath(Path.Combine(folder ?? baseDir, s)) };
        if (paths.TryGetValue("particles", out var pp))
            o = o with { ParticlesPath = ResolveExisting(pp, folder, baseDir) ?? Path.GetFullPath(Path.Combine(folder ?? baseDir, pp)) };
        if (paths.TryGetValue("datadir", out var dd))
            o = o with { DataDir = ResolveExisting(dd, folder, baseDir) ?? dd };
        return o;
    }

    /// <summary>A string key with two allowed values; anything else is named with its file and line.</summary>
    private static string OneOf(string path, string ctx, YamlNode node, string fallback, string a, string b)
    {
        string v = Str(path, ctx, node) ?? fallback;
        if (v != a && v != b) throw new InputException(path, $"{ctx}: use {a} or {b}, got '{v}'", Line(node));
        return v;
    }

    /// <summary>
    /// Keys that a run's config.yaml written before they existed lacks, and the value that run trained with: a new
    /// default must not change what a resumed or analysed old run computes.
    /// </summary>
    private static readonly (string Key, Func<TrainOptions, TrainOptions> Before)[] AddedLater =
    [
        ("kl_latent_free_nats", o => o with { KlLatentFreeNats = 0 }),
        ("latent_noise_warmup", o => o with { LatentNoiseWarmup = false }),
        ("segment_rotation_centre", o => o with { SegmentRotationCentre = TrainOptions.RotationAboutOrigin }),
        ("held_out_fraction", o => o with { HeldOutFraction = 0 }),
        ("plateau_from", o => o with { PlateauFrom = TrainOptions.PlateauFromStart }),
        ("encoder_undo_psi", o => o with { EncoderUndoPsi = false }),
        ("encoder_subtract_base", o => o with { EncoderSubtractBase = false }),
        ("encoder_input", o => o with { EncoderInput = TrainOptions.EncoderInputImage }),
        ("forces_cache_mib", o => o with { ForcesCacheMib = 0 }),
        ("encoder_forces_components", o => o with { EncoderForcesComponents = 0 }),
        ("plateau_window_epochs", o => o with { PlateauWindowEpochs = 2 }),
        ("plateau_latent_growth", o => o with { PlateauLatentGrowth = 0 }),
    ];

    /// <summary>Reads a training run's own config.yaml (<see cref="Read"/>), giving keys added after it was written their value before.</summary>
    public static TrainOptions ReadRecorded(string path, List<string>? ignored = null)
    {
        var o = Read(path, ignored);
        var present = Entries(Load(path)).Select(e => e.Item1).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, before) in AddedLater)
            if (!present.Contains(key)) o = before(o);
        return o;
    }

    private static TrainOptions ReadImages(string path, TrainOptions o)
    {
        var root = Load(path);
        foreach (var (key, node) in Entries(root))
        {
            switch (key)
            {
                case "apix": o = o with { Apix = Dbl(path, key, node) }; break;
                case "Npix": o = o with { Npix = Int(path, key, node) }; break;
                case "Npix_downsize": o = o with { NpixDownsize = Int(path, key, node) }; break;
                case "sigma_gmm": o = o with { SigmaGmm = Dbl(path, key, node) ?? o.SigmaGmm }; break;
                default: throw Unknown(path, key, node);
            }
        }
        return o;
    }

    private static TrainOptions ReadOptimizer(string path, string ctx, YamlMappingNode map, TrainOptions o)
    {
        foreach (var (k, n) in Entries(map))
        {
            string c = $"{ctx}.{k}";
            switch (k)
            {
                case "name":
                    string name = Str(path, c, n) ?? "adam";
                    if (!name.Equals("adam", StringComparison.OrdinalIgnoreCase))
                        throw new InputException(path, $"{c}: only 'adam' is supported, got '{name}'", Line(n));
                    break;
                case "learning_rate": o = o with { LearningRate = Dbl(path, c, n) ?? o.LearningRate }; break;
                case "learning_rate_segmentation": o = o with { LearningRateSegmentation = Dbl(path, c, n) }; break;
                default: throw Unknown(path, c, n);
            }
        }
        return o;
    }

    private static TrainOptions ReadLoss(string path, string ctx, YamlMappingNode map, TrainOptions o)
    {
        foreach (var (k, n) in Entries(map))
        {
            string c = $"{ctx}.{k}";
            var m = Map(path, c, n);
            switch (k)
            {
                case "clashing_loss":
                    var extra = new Dictionary<string, YamlNode>();
                    var term = ReadTerm(path, c, m, o.Clash, extra, ["full_clashing_loss", "clashing_cutoff", "min_clashing_cutoff_pairs", "max_clashing_cutoff_pairs"]);
                    o = o with { Clash = term };
                    foreach (var (ek, en) in extra)
                    {
                        string ec = $"{c}.{ek}";
                        o = ek switch
                        {
                            "full_clashing_loss" => o with { FullClashLoss = Bool(path, ec, en) ?? false },
                            "clashing_cutoff" => o with { ClashCutoff = Dbl(path, ec, en) ?? o.ClashCutoff },
                            "min_clashing_cutoff_pairs" => o with { MinClashCutoffPairs = Dbl(path, ec, en) ?? o.MinClashCutoffPairs },
                            _ => o with { MaxClashCutoffPairs = Dbl(path, ec, en) ?? o.MaxClashCutoffPairs },
                        };
                    }
                    break;
                case "continuity_loss": o = o with { Continuity = ReadTerm(path, c, m, o.Continuity) }; break;
                case "KL_prior_latent": o = o with { KlLatent = ReadTerm(path, c, m, o.KlLatent) }; break;
                case "KL_prior_segmentation_mean": o = o with { KlSegmentationMean = ReadTerm(path, c, m, o.KlSegmentationMean) }; break;
                case "KL_prior_segmentation_std": o = o with { KlSegmentationStd = ReadTerm(path, c, m, o.KlSegmentationStd) }; break;
                case "KL_prior_segmentation_proportions": o = o with { KlSegmentationProportions = ReadTerm(path, c, m, o.KlSegmentationProportions) }; break;
                case "l2_pen": o = o with { L2 = ReadTerm(path, c, m, o.L2) }; break;
                default: throw Unknown(path, c, n);
            }
        }
        return o;
    }

    private static LossTermOptions ReadTerm(string path, string ctx, YamlMappingNode map, LossTermOptions current,
        Dictionary<string, YamlNode>? extra = null, string[]? extraKeys = null)
    {
        var t = current;
        foreach (var (k, n) in Entries(map))
        {
            string c = $"{ctx}.{k}";
            switch (k)
            {
                case "schedule":
                    string s = (Str(path, c, n) ?? "constant").ToLowerInvariant();
                    if (s is not ("constant" or "linear" or "cyclical"))
                        throw new InputException(path, $"{c}: unknown schedule '{s}' (use constant, linear or cyclical)", Line(n));
                    t = t with { Schedule = s };
                    break;
                case "beta": t = t with { Beta = Dbl(path, c, n) }; break;
                case "M": t = t with { M = Dbl(path, c, n) }; break;
                case "R": t = t with { R = Dbl(path, c, n) ?? t.R }; break;
                default:
                    if (extra is not null && extraKeys is not null && extraKeys.Contains(k)) { extra[k] = n; break; }
                    throw Unknown(path, c, n);
            }
        }
        return t;
    }

    private static List<SegmentationPartOptions> ReadSegmentation(string path, YamlMappingNode map)
    {
        var parts = new List<SegmentationPartOptions>();
        foreach (var (partName, partNode) in Entries(map))
        {
            var part = new SegmentationPartOptions { Name = partName, AllProtein = false };
            bool sawAll = false;
            foreach (var (k, n) in Entries(Map(path, $"segmentation_config.{partName}", partNode)))
            {
                string c = $"segmentation_config.{partName}.{k}";
                switch (k)
                {
                    case "all_protein": part = part with { AllProtein = Bool(path, c, n) ?? false }; sawAll = true; break;
                    case "N_segm": part = part with { Segments = Int(path, c, n) ?? part.Segments }; break;
                    case "chain": part = part with { Chain = Str(path, c, n) }; break;
                    case "start_res": part = part with { StartRes = Int(path, c, n) }; break;
                    case "end_res": part = part with { EndRes = Int(path, c, n) }; break;
                    case "segmentation_start": part = part with { StartValues = ReadSegValues(path, c, n) }; break;
                    case "segmentation_start_values": part = part with { StartValues = ReadSegValues(path, c, n) }; break;
                    case "segmentation_prior": part = part with { PriorValues = ReadSegValues(path, c, n) }; break;
                    default: throw Unknown(path, c, n);
                }
            }
            if (!sawAll && part.Chain is null) part = part with { AllProtein = true };
            if (part.Segments is < 1) throw new InputException(path, $"'segmentation_config.{partName}.N_segm' must be at least 1, got {part.Segments}");
            if (!part.AllProtein && part.Chain is null)
                throw new InputException(path, $"segmentation_config.{partName}: a local part needs 'chain', 'start_res' and 'end_res'");
            parts.Add(part);
        }
        if (parts.Count == 0) throw new InputException(path, "segmentation_config has no parts");
        return parts;
    }

    private static SegmentationGaussians? ReadSegValues(string path, string ctx, YamlNode node)
    {
        if (IsNull(node)) return null;
        var map = Map(path, ctx, node);
        var d = new Dictionary<string, double[]>();
        foreach (var (k, n) in Entries(map))
        {
            string c = $"{ctx}.{k}";
            if (k == "type")
            {
                string t = Str(path, c, n) ?? "uniform";
                if (!t.Equals("uniform", StringComparison.OrdinalIgnoreCase))
                    throw new InputException(path, $"{c}: only 'uniform' or explicit values are supported, got '{t}'", Line(n));
                continue;
            }
            if (k is not ("means_means" or "means_stds" or "stds_means" or "stds_stds" or "proportions_means" or "proportions_stds"))
                throw Unknown(path, c, n);
            d[k] = DblList(path, c, n) ?? [];
        }
        if (d.Count == 0) return null;
        string[] need = ["means_means", "means_stds", "stds_means", "stds_stds", "proportions_means", "proportions_stds"];
        foreach (var k in need)
            if (!d.ContainsKey(k)) throw new InputException(path, $"{ctx}: '{k}' is missing (give all six lists or none)");
        return new SegmentationGaussians(new GaussianSet(d["means_means"], d["means_stds"]), new GaussianSet(d["stds_means"], d["stds_stds"]),
            new GaussianSet(d["proportions_means"], d["proportions_stds"]));
    }

    // ---- YAML plumbing ----

    internal static YamlMappingNode Load(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string l = lines[i];
            int j = 0;
            while (j < l.Length && (l[j] == ' ' || l[j] == '\t')) j++;
            if (l.AsSpan(0, j).Contains('\t') && j < l.Length && l[j] != '#')
                throw new InputException(path, "tab character in indentation; YAML allows only spaces (replace tabs with spaces)", i + 1);
        }
        var ys = new YamlStream();
        try { ys.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new InputException(path, $"not valid YAML: {e.Message.Split('\n')[0]}", (int)e.Start.Line);
        }
        if (ys.Documents.Count == 0 || ys.Documents[0].RootNode is not YamlMappingNode root)
            throw new InputException(path, "expected a YAML mapping of keys to values");
        return root;
    }

    private static IEnumerable<(string, YamlNode)> Entries(YamlMappingNode map)
    {
        foreach (var kv in map.Children)
            yield return (((YamlScalarNode)kv.Key).Value ?? "", kv.Value);
    }

    private static int? Line(YamlNode n) => (int)n.Start.Line;

    private static InputException Unknown(string path, string key, YamlNode n) =>
        new(path, $"unknown key '{key}'", Line(n));

    private static bool IsNull(YamlNode n) =>
        n is YamlScalarNode s && (s.Value is null || s.Value == "" || s.Value == "~" || s.Value.Equals("null", StringComparison.OrdinalIgnoreCase)) && s.Style == ScalarStyle.Plain;

    private static YamlMappingNode Map(string path, string key, YamlNode n)
    {
        if (n is YamlMappingNode m) return m;
        if (IsNull(n)) return new YamlMappingNode();
        throw new InputException(path, $"'{key}' must be a mapping of keys to values", Line(n));
    }

    private static string? Str(string path, string key, YamlNode n)
    {
        if (IsNull(n)) return null;
        if (n is YamlScalarNode s) return s.Value;
        throw new InputException(path, $"'{key}' must be a single value", Line(n));
    }

    private static double? Dbl(string path, string key, YamlNode n)
    {
        string? s = Str(path, key, n);
        if (s is null) return null;
        // YAML spells NaN and infinity .nan / .inf; no setting means anything there.
        if (s is ".nan" or ".NaN" or ".NAN" or ".inf" or ".Inf" or "-.inf" or "+.inf")
            throw new InputException(path, $"'{key}' must be a finite number, got '{s}'", Line(n));
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            if (!double.IsFinite(v)) throw new InputException(path, $"'{key}' must be a finite number, got '{s}'", Line(n));
            CheckRange(path, key, v, s, n);
            return v;
        }
        throw new InputException(path, $"'{key}' must be a number, got '{s}'", Line(n));
    }

    /// <summary>
    /// Lowest allowed value per key (inclusive unless marked exclusive), checked where the value is read so the
    /// message names the file, key and line rather than surfacing later as "batch size must be at least 1".
    /// </summary>
    private static readonly Dictionary<string, (double Min, bool Exclusive)> Minimum = new(StringComparer.Ordinal)
    {
        ["N_epochs"] = (1, false), ["batch_size"] = (1, false), ["latent_dimension"] = (1, false), ["N_images"] = (1, false),
        ["Npix"] = (2, false), ["Npix_downsize"] = (2, false), ["encoder_npix"] = (2, false), ["threads"] = (0, false),
        ["keep_checkpoints"] = (0, false), ["log_interval"] = (1, false), ["apix"] = (0, true), ["sigma_gmm"] = (0, true),
        ["tau_segmentation"] = (0, true), ["epsilon_kl"] = (0, false), ["kl_latent_free_nats"] = (0, false), ["lp_bandwidth"] = (0, true),
        ["optimizer.learning_rate"] = (0, true), ["optimizer.learning_rate_segmentation"] = (0, true), ["scheduler.decay"] = (0, true),
    };

    private static void CheckRange(string path, string key, double v, string text, YamlNode n)
    {
        if (!Minimum.TryGetValue(key, out var m)) return;
        bool ok = m.Exclusive ? v > m.Min : v >= m.Min;
        if (!ok) throw new InputException(path, $"'{key}' must be {(m.Exclusive ? "greater than" : "at least")} {m.Min.ToString(CultureInfo.InvariantCulture)}, got '{text}'", Line(n));
    }

    private static int? Int(string path, string key, YamlNode n)
    {
        string? s = Str(path, key, n);
        if (s is null) return null;
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
        {
            CheckRange(path, key, v, s, n);
            return v;
        }
        throw new InputException(path, $"'{key}' must be an integer, got '{s}'", Line(n));
    }

    private static bool? Bool(string path, string key, YamlNode n)
    {
        string? s = Str(path, key, n);
        if (s is null) return null;
        return s.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new InputException(path, $"'{key}' must be true or false, got '{s}'", Line(n)),
        };
    }

    private static List<YamlNode>? Seq(string path, string key, YamlNode n)
    {
        if (IsNull(n)) return null;
        if (n is YamlSequenceNode q) return q.Children.ToList();
        throw new InputException(path, $"'{key}' must be a list like [1, 2, 3]", Line(n));
    }

    private static double[]? DblList(string path, string key, YamlNode n) =>
        Seq(path, key, n)?.Select(x => Dbl(path, key, x) ?? throw new InputException(path, $"'{key}' has an empty entry", Line(x))).ToArray();

    private static int[]? IntList(string path, string key, YamlNode n) =>
        Seq(path, key, n)?.Select(x => Int(path, key, x) ?? throw new InputException(path, $"'{key}' has an empty entry", Line(x))).ToArray();

    private static string[]? StrList(string path, string key, YamlNode n)
    {
        if (n is YamlScalarNode) return Str(path, key, n)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Seq(path, key, n)?.Select(x => Str(path, key, x) ?? "").ToArray();
    }

    private static int[]? Hidden(string path, string key, YamlNode n)
    {
        int[]? h = null;
        foreach (var (k, v) in Entries(Map(path, key, n)))
        {
            if (k != "hidden_dimensions") throw Unknown(path, $"{key}.{k}", v);
            h = IntList(path, $"{key}.{k}", v);
        }
        return h;
    }

    private static string? ResolveExisting(string p, string? folder, string configDir)
    {
        if (Path.IsPathRooted(p)) return File.Exists(p) || Directory.Exists(p) ? p : null;
        foreach (var b in new[] { folder is null ? null : Path.Combine(configDir, folder), configDir, Directory.GetCurrentDirectory() })
        {
            if (b is null) continue;
            string c = Path.GetFullPath(Path.Combine(b, p));
            if (File.Exists(c) || Directory.Exists(c)) return c;
        }
        return null;
    }
}
