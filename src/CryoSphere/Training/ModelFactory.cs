using CryoSphere.Model;
using TorchSharp;
using TorchSharp.Modules;

namespace CryoSphere.Training;

/// <summary>Builds the VAE for a structure from <see cref="TrainOptions"/> (segmentation parts mapped onto residue indices).</summary>
public static class ModelFactory
{
    public static ModelOptions Options(TrainOptions o, Structure s, int imageSide, int imageCount, RowRange? latentRows = null)
    {
        return new ModelOptions(imageSide, s.Count, Parts(o, s))
        {
            LatentDim = o.LatentDimension,
            EncoderHidden = o.EncoderHidden,
            EncoderInputSize = EncoderInputChoice.Unresolved(o.EncoderInput) == TrainOptions.EncoderInputForces ? 3 * s.Count : null,
            EncoderComponents = EncoderInputChoice.Unresolved(o.EncoderInput) == TrainOptions.EncoderInputForces ? o.EncoderForcesComponents : 0,
            DecoderHidden = o.DecoderHidden,
            TauSegmentation = o.TauSegmentation,
            Amortized = o.Amortized,
            RotateAboutSegmentCentroids = SegmentRotationCentreChoice.Resolve(o) == TrainOptions.RotationAboutCentroid,
            ImageCount = imageCount,
            LatentRows = latentRows,
        };
    }

    /// <summary>
    /// The VAE for a run's setup, on its device (the encoder sized to <see cref="TrainingSetup.EncoderSide"/>);
    /// <paramref name="latentRows"/>: the rows of the per-image latent tables this rank holds (null: all).
    /// </summary>
    public static VaeModel Build(TrainOptions o, TrainingSetup setup, RowRange? latentRows = null)
    {
        using var guard = NativeCallGuard.Enter();
        // What the encoder reads as the setup has it (configured, or chosen from the data by a new run).
        var model = new VaeModel(Options(o with { EncoderInput = setup.EncoderInput }, setup.Structure, setup.EncoderSide, setup.Particles.Count, latentRows));
        model.to(setup.Device);
        return model;
    }

    /// <summary>Adam with two parameter groups (networks; segmentation) and their learning rates.</summary>
    public static (Adam Optimizer, Adam.ParamGroup Networks, Adam.ParamGroup Segmentation) Optimizer(VaeModel model, TrainOptions o)
    {
        var net = new Adam.ParamGroup(model.NetworkParameters(), new Adam.Options { LearningRate = o.LearningRate });
        var seg = new Adam.ParamGroup(model.SegmentationParameters(), new Adam.Options { LearningRate = o.LearningRateSegmentation ?? o.LearningRate });
        return (torch.optim.Adam([net, seg], o.LearningRate), net, seg);
    }

    /// <summary>
    /// The configured parts (none configured: <see cref="DefaultSegmentation.For"/> the structure) with every unset
    /// segment count filled in as <see cref="Parts"/> fills it for <paramref name="s"/>.
    /// </summary>
    public static IReadOnlyList<SegmentationPartOptions> ResolvedSegmentation(TrainOptions o, Structure s)
    {
        var configured = Configured(o, s);
        var built = Parts(o, s); // in the configured order
        return configured.Select((p, i) => p with { Segments = p.Segments ?? built[i].Segments }).ToArray();
    }

    private static IReadOnlyList<SegmentationPartOptions> Configured(TrainOptions o, Structure s) =>
        o.Segmentation.Count == 0 ? DefaultSegmentation.For(s) : o.Segmentation;

    /// <summary>Maps each configured part, in the configured order, to [start, end) in the structure's global residue order.</summary>
    public static IReadOnlyList<SegmentationPart> Parts(TrainOptions o, Structure s)
    {
        var parts = new List<SegmentationPart>();
        foreach (var p in Configured(o, s))
        {
            int start, end;
            if (p.AllProtein)
            {
                start = 0;
                end = s.Count;
            }
            else
            {
                var idx = Enumerable.Range(0, s.Count).Where(i => s.ChainIds[i] == p.Chain).ToArray();
                if (idx.Length == 0)
                    throw new InputException($"segmentation part {p.Name}: chain '{p.Chain}' is not in the structure (chains: {string.Join(", ", s.ChainIds.Distinct())})");
                // start_res/end_res are author residue numbers of the chain (as in --select A:122-159), inclusive,
                // insertion codes within the range included: see docs/conventions.md.
                // Neither given: the whole chain, by position, whatever its numbering.
                int a = p.StartRes ?? s.ResidueNumbers[idx[0]], b = p.EndRes ?? s.ResidueNumbers[idx[^1]];
                bool wholeChain = p.StartRes is null && p.EndRes is null;
                var sel = wholeChain ? idx : idx.Where(i => s.ResidueNumbers[i] >= a && s.ResidueNumbers[i] <= b).ToArray();
                if (!wholeChain && (a > b || sel.Length == 0))
                    throw new InputException($"segmentation part {p.Name}: chain {p.Chain} has no residues numbered {a}–{b} (author numbers; chain {p.Chain} has {s.ResidueNumbers[idx[0]]}–{s.ResidueNumbers[idx[^1]]})");
                if (sel[^1] - sel[0] + 1 != sel.Length)
                    throw new InputException($"segmentation part {p.Name}: residues {a}–{b} of chain {p.Chain} are not consecutive in the file (numbering goes back and forth)");
                start = sel[0];
                end = sel[^1] + 1;
            }
            int k = p.Segments ?? Math.Min(SegmentationPartOptions.DefaultSegmentsFor(end - start), end - start);
            if (k > end - start)
                throw new InputException($"segmentation part {p.Name}: {k} segments for {end - start} residues");
            parts.Add(new SegmentationPart(start, end, k, Checked(p.StartValues, k, p.Name), Checked(p.PriorValues, k, p.Name)));
        }
        var sorted = parts.OrderBy(x => x.Start).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Start < sorted[i - 1].End)
                throw new InputException("segmentation parts overlap: each residue may belong to one part only");
        return parts;
    }

    /// <summary><paramref name="v"/> when each of its six lists has one value per segment (the part named in the error).</summary>
    private static SegmentationGaussians? Checked(SegmentationGaussians? v, int k, string part)
    {
        if (v is null) return null;
        foreach (var a in new[] { v.Means.Mean, v.Means.Std, v.Widths.Mean, v.Widths.Std, v.Proportions.Mean, v.Proportions.Std })
            if (a.Length != k) throw new InputException($"segmentation part {part}: expected {k} values in each start/prior list, got {a.Length}");
        return v;
    }
}
