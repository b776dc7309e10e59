using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.View;

/// <summary>
/// What the dashboard shows, loaded once: the trained run (model for decoding and predicting), the latents of an
/// analysis folder (or encoded now when there is none), their PCA and k-means labels. Parts a copied run folder may
/// lack (images, analysis) are listed in <see cref="Missing"/> instead of failing.
/// </summary>
public sealed class ViewSession : IDisposable
{
    public TrainedRun Run { get; }
    /// <summary>The analysis folder the latents came from, or null when they were encoded at start.</summary>
    public string? AnalysisDir { get; }
    public int Count { get; }
    public int LatentDim { get; }
    /// <summary>Latents, Count × LatentDim row-major (z.npy of the analysis).</summary>
    public float[] Z { get; }
    public Pca Pca { get; }
    /// <summary>PC coordinates of every latent, Count × LatentDim row-major.</summary>
    public float[] Pcs { get; }
    /// <summary>PC coordinates of the population traversals run over (<see cref="TraversalRange"/>), Count × LatentDim.</summary>
    public double[] PopulationPcs { get; }
    /// <summary>k-means label per latent (kmeans/labels.txt), or null.</summary>
    public int[]? KMeansLabels { get; }
    /// <summary>True when latent i is particle i of the run's particles file (not an analysis of other latents).</summary>
    public bool ParticlesLinked => Count == Run.ParticleCount;
    /// <summary>True when the particle stacks were found, so observed images can be shown.</summary>
    public bool HasImages { get; }
    /// <summary>One line per thing the dashboard cannot show, and why.</summary>
    public IReadOnlyList<string> Missing { get; }
    public ColourColumns Colours { get; }

    /// <summary>TorchSharp modules are not re-entrant: one request at a time runs the model.</summary>
    public SemaphoreSlim ModelLock { get; } = new(1, 1);

    private ViewSession(TrainedRun run, string? analysisDir, float[] z, float[]? sd, int seed, int n, int[]? labels, bool hasImages, List<string> missing)
    {
        Run = run;
        AnalysisDir = analysisDir;
        Count = n;
        LatentDim = run.LatentDim;
        Z = z;
        Pca = Pca.Fit(z, n, LatentDim);
        var pcs = Pca.Transform(z, n, LatentDim);
        Pcs = new float[pcs.Length];
        for (int i = 0; i < pcs.Length; i++) Pcs[i] = (float)pcs[i];
        PopulationPcs = sd is null ? pcs : TraversalRange.PopulationScores(Pca, z, sd, n, seed);
        KMeansLabels = labels;
        HasImages = hasImages;
        Missing = missing;
        Colours = ColourColumns.Build(this, missing);
    }

    /// <summary>
    /// Opens <paramref name="runDir"/> and its analysis (<paramref name="analysisDir"/>, else RUN/analysis when it
    /// holds z.npy). Without an analysis the latents are encoded from the images now (<paramref name="progress"/>).
    /// </summary>
    public static ViewSession Open(string runDir, string? analysisDir, int? epoch = null, string? device = null,
        IProgress<(int Done, int Total)>? progress = null)
    {
        if (!Directory.Exists(runDir)) throw new InputException(runDir, "run folder not found");
        var missing = new List<string>();
        TrainedRun run;
        bool hasImages = true;
        try
        {
            run = TrainedRun.Open(runDir, epoch, device, needImages: true);
        }
        catch (InputException e) when (File.Exists(Path.Combine(runDir, "config.yaml")))
        {
            // A run copied from another machine often comes without its stacks: the latent space, structures and
            // training curves still work; only the particle images cannot be shown.
            run = TrainedRun.Open(runDir, epoch, device, needImages: false);
            hasImages = false;
            missing.Add($"particle images: {e.Message}");
        }
        try
        {
            string? dir = analysisDir;
            if (dir is null)
            {
                string guess = Path.Combine(run.Folder.Root, "analysis");
                if (File.Exists(Path.Combine(guess, "z.npy"))) dir = guess;
            }
            float[] z;
            float[]? sd = null;
            int seed = AnalysisOptions.DefaultSeed;
            int n;
            int[]? labels = null;
            if (dir is not null)
            {
                if (!Directory.Exists(dir)) throw new InputException(dir, "analysis folder not found");
                string zp = Path.Combine(dir, "z.npy");
                if (!File.Exists(zp)) throw new InputException(dir, "no z.npy: not an analysis folder (run cryosphere analyze --run RUN --out DIR)");
                var a = Npy.Read(zp);
                if (a.Shape.Length != 2 || a.Shape[1] != run.LatentDim)
                    throw new InputException(zp, $"latents must be n × {run.LatentDim} (the run's latent dimension); got shape ({string.Join(", ", a.Shape)})");
                n = (int)a.Shape[0];
                if (n < 2) throw new InputException(zp, "needs at least 2 latents");
                z = a.ToFloats();
                (sd, seed) = ReadPosteriors(dir, n, run.LatentDim, seed);
                labels = ReadLabels(Path.Combine(dir, "kmeans", "labels.txt"), n, missing);
                if (n != run.ParticleCount)
                    missing.Add($"{zp} holds {n} latents but the run has {run.ParticleCount} particles: particle names, columns and images are not linked");
            }
            else
            {
                if (!hasImages)
                    throw new InputException(runDir, "no analysis folder (RUN/analysis/z.npy) and no particle images to encode: pass --analysis DIR");
                (z, sd) = run.LatentPosteriors(progress: progress);
                n = run.ParticleCount;
                missing.Add("no analysis folder: latents encoded at start; k-means labels need cryosphere analyze");
            }
            return new ViewSession(run, dir is null ? null : Path.GetFullPath(dir), z, sd, seed, n, labels, hasImages, missing);
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>The analysis's posterior standard deviations (z_sd.npy) and draw seed (analysis.json), when it has them.</summary>
    private static (float[]? Sd, int Seed) ReadPosteriors(string dir, int n, int l, int seed)
    {
        string p = Path.Combine(dir, Analyzer.LatentSdFile);
        if (!File.Exists(p)) return (null, seed);
        var a = Npy.Read(p);
        if (a.Shape.Length != 2 || a.Shape[0] != n || a.Shape[1] != l)
            throw new InputException(p, $"shape ({string.Join(", ", a.Shape)}) but z.npy is ({n}, {l})");
        int recorded = File.Exists(Path.Combine(dir, AnalysisManifest.FileName)) ? AnalysisManifest.Read(dir).Seed ?? seed : seed;
        return (a.ToFloats(), recorded);
    }

    private static int[]? ReadLabels(string path, int n, List<string> missing)
    {
        if (!File.Exists(path))
        {
            missing.Add("no kmeans/labels.txt in the analysis folder: no k-means colouring");
            return null;
        }
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var labels = new int[lines.Length];
        for (int i = 0; i < lines.Length; i++)
            if (!int.TryParse(lines[i], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out labels[i]))
                throw new InputException(path, "not an integer label", i + 1);
        if (labels.Length != n)
        {
            missing.Add($"{path} has {labels.Length} labels for {n} latents: no k-means colouring");
            return null;
        }
        return labels;
    }

    /// <summary>The latent point with PC coordinates <paramref name="pcs"/> (the first pcs.Length PCs; the rest at the mean).</summary>
    public float[] LatentFromPcs(IReadOnlyList<double> pcs)
    {
        int d = LatentDim;
        var z = new float[d];
        for (int j = 0; j < d; j++)
        {
            double s = Pca.Mean[j];
            for (int k = 0; k < pcs.Count; k++) s += pcs[k] * Pca.Components[k * d + j];
            z[j] = (float)s;
        }
        return z;
    }

    public void Dispose()
    {
        Run.Dispose();
        ModelLock.Dispose();
    }
}
