using System.Globalization;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// <c>cryosphere analyze</c>: latent means, PCA traversals and k-means centres decoded into structures,
/// plots, segments, a ChimeraX script, an HTML report and optional per-particle structures, maps and particle subsets.
/// </summary>
public static class Analyzer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static AnalysisResult Run(AnalysisOptions o, IProgress<(int Done, int Total)>? progress = null)
    {
        if (o.Pcs < 1) throw new InputException($"--pcs must be at least 1 (got {o.Pcs})");
        if (o.Steps < 2) throw new InputException($"--steps must be at least 2 (got {o.Steps})");
        if (o.KMeans < 0) throw new InputException($"--kmeans must be ≥ 0 (got {o.KMeans})");
        if (o.ModelsPerFile < 1) throw new InputException("models per file must be positive");
        if (!Directory.Exists(o.RunDir)) throw new InputException(o.RunDir, "run folder not found");
        if (o.LatentsPath is { } lp && !File.Exists(lp)) throw new InputException(lp, "latents file not found");

        using var run = TrainedRun.Open(o.RunDir, o.Epoch, o.Device, needImages: o.LatentsPath is null && o.ParticleLatents is null);
        int l = run.LatentDim;
        if (o.ParticleLatents is { } pl && pl.Length != (long)run.ParticleCount * l)
            throw new ArgumentException($"{pl.Length} precomputed latent values for {run.ParticleCount} particles × {l}");
        var filter = o.Select is { } sel ? ParticleFilter.Parse(sel, l) : null;
        // Posterior standard deviations come with latents encoded here or by shards, not with a given --z file.
        var (z, zsd, n) = o.LatentsPath is { } path ? Given(ReadLatents(path, l))
            : o.ParticleLatents is { } given ? (given, o.ParticleLatentSds, run.ParticleCount)
            : Encoded(run.LatentPosteriors(progress: progress), run.ParticleCount);
        if (n < 2) throw new InputException("analysis needs at least 2 latents");
        Directory.CreateDirectory(o.OutDir);
        var notes = new List<string>();
        var s = run.Setup.Structure;
        string ext = StructureFiles.Extension(s);

        Npy.Write(Path.Combine(o.OutDir, "z.npy"), z, n, l);
        if (zsd is not null) Npy.Write(Path.Combine(o.OutDir, LatentSdFile), zsd, n, l);
        var names = n == run.ParticleCount ? run.Setup.Particles.Table.ImageNames : null;
        WriteLatentCsv(Path.Combine(o.OutDir, "z.csv"), z, n, l, names);

        var pca = Pca.Fit(z, n, l);
        var pcs = pca.Transform(z, n, l);
        AtomicFile.WriteText(Path.Combine(o.OutDir, "pca.csv"), w =>
        {
            w.WriteLine("pc,explained_variance,explained_variance_ratio");
            for (int j = 0; j < l; j++)
                w.WriteLine($"{(j + 1).ToString(Inv)},{pca.ExplainedVariance[j].ToString("R", Inv)},{pca.ExplainedVarianceRatio[j].ToString("R", Inv)}");
        });
        int npcs = Math.Min(o.Pcs, l);
        if (npcs < o.Pcs) notes.Add($"latent space has {l} dimension(s); traversing {npcs} PC(s)");

        var (g, hard, k) = run.Segmentation();
        var bfac = hard.Select(h => (float)(h + 1)).ToArray();
        StructureFiles.WriteOne(Path.Combine(o.OutDir, "segments" + ext), s, s.Coordinates, bfac);
        WriteSegmentationCsv(Path.Combine(o.OutDir, "segmentation.csv"), s, g, hard, k);

        // Traversals along the PCs over the population the model infers (TraversalRange).
        var population = zsd is null ? pcs : TraversalRange.PopulationScores(pca, z, zsd, n, o.Seed);
        var traversals = new double[npcs][];
        var spans = new double[npcs];
        var traversalFiles = new List<string>();
        var grid = new ImageGrid(run.Setup.BoxSize, run.Setup.Particles.PixelSize);
        for (int pc = 0; pc < npcs; pc++)
        {
            var values = TraversalRange.Values(population, n, l, pc, o.Steps);
            traversals[pc] = values;
            var zt = new float[o.Steps * l];
            for (int i = 0; i < o.Steps; i++) pca.PointAlong(pc, values[i]).CopyTo(zt, i * l);
            var coords = run.Decode(zt, o.Steps);
            spans[pc] = LatentContent.TraversalSpan(coords, o.Steps, s.Count);
            string dir = Path.Combine(o.OutDir, $"pc{pc + 1}");
            Directory.CreateDirectory(dir);
            int per = s.Count * 3;
            for (int i = 0; i < o.Steps; i++)
                StructureFiles.WriteOne(Path.Combine(dir, $"structure_{i:000}{ext}"), s, coords.AsSpan(i * per, per).ToArray(), bfac);
            StructureFiles.WriteModels(Path.Combine(dir, "traversal" + ext), s, coords, o.Steps, bfac);
            traversalFiles.Add($"pc{pc + 1}/traversal{ext}");
            WriteLatentCsv(Path.Combine(dir, "z.csv"), zt, o.Steps, l, null);
            if (o.Volumes) WriteVolumes(run, grid, coords, o.Steps, Path.Combine(o.OutDir, "volumes"), $"pc{pc + 1}");
        }

        if (o.KMeans > 0)
        {
            if (n < o.KMeans) notes.Add($"k-means skipped: {n} latents for {o.KMeans} clusters");
            else
            {
                var km = KMeans.Fit(z, n, l, o.KMeans, o.Seed);
                string dir = Path.Combine(o.OutDir, "kmeans");
                Directory.CreateDirectory(dir);
                var coords = run.Decode(km.Centres, km.K);
                int per = s.Count * 3;
                for (int i = 0; i < km.K; i++)
                    StructureFiles.WriteOne(Path.Combine(dir, $"centre_{i:00}{ext}"), s, coords.AsSpan(i * per, per).ToArray(), bfac);
                StructureFiles.WriteModels(Path.Combine(dir, "centres" + ext), s, coords, km.K, bfac);
                Npy.Write(Path.Combine(dir, "centres.npy"), km.Centres, km.K, l);
                AtomicFile.WriteText(Path.Combine(dir, "labels.txt"), w => { foreach (var lab in km.Labels) w.WriteLine(lab.ToString(Inv)); });
            }
        }

        var figures = new List<ReportFigure>();
        void Figure(string file, string caption, byte[] png)
        {
            AtomicFile.Write(Path.Combine(o.OutDir, file), st => st.Write(png));
            figures.Add(new ReportFigure(caption, png));
        }
        Figure("pca.png", "Latent means on the first principal components, with the traversal points", AnalysisPlots.LatentPca(pcs, n, l, traversals, pca.ExplainedVarianceRatio));
        Figure("explained_variance.png", "Explained variance ratio per principal component", AnalysisPlots.ExplainedVariance(pca.ExplainedVarianceRatio));
        Figure("segmentation.png", "Segment membership along the chain (posterior means)", AnalysisPlots.Segmentation(g, s.Count, k));
        var (angles, shifts) = Motions(run, z, n, k);
        Figure("motion_angles.png", "Rotation angle of each segment over the particles", AnalysisPlots.PerSegmentHistograms(angles, "rotation angle (°)", "Segment rotations"));
        Figure("motion_translations.png", "Translation length of each segment over the particles", AnalysisPlots.PerSegmentHistograms(shifts, "translation (Å)", "Segment translations"));

        var metrics = File.Exists(run.Folder.Metrics) ? new MetricsLog(run.Folder.Metrics).Rows : [];
        if (metrics.Count > 0)
        {
            var ep = metrics.Select(r => r.GetValueOrDefault("epoch")).ToArray();
            foreach (var (col, file, label) in new[] { ("loss", "training_loss.png", "loss"), ("corr", "training_corr.png", "correlation") })
                if (metrics.All(r => r.ContainsKey(col)))
                {
                    // The held-out particles' curve beside the training one: where it flattens while training goes on improving, the model fits noise.
                    var heldOut = col == "corr" && metrics.All(r => r.ContainsKey(Trainer.HeldOutColumn))
                        ? (metrics.Select(r => r[Trainer.HeldOutColumn]).ToArray(), "held-out particles", "training")
                        : ((double[], string, string)?)null;
                    Figure(file, $"Training: {label} per epoch{(heldOut is null ? "" : " (training and held-out particles)")}",
                        AnalysisPlots.Curve(ep, metrics.Select(r => r[col]).ToArray(), "epoch", label, $"Training {label}", heldOut));
                }
        }
        else notes.Add("no metrics.csv in the run folder: no training curves");
        int? epoch = o.Epoch ?? EpochOf(run.CheckpointPath);
        double? latentNats = LatentContent.KlAt(metrics, epoch);
        string? emptyNote = LatentContent.EmptyNote(latentNats, epoch, spans);
        if (emptyNote is not null) notes.Add(emptyNote);
        var determination = zsd is null ? null : LatentContent.Determination(pca, zsd, n, npcs);
        if (emptyNote is null && LatentContent.ShrinkageNote(determination, spans) is { } shrink) notes.Add(shrink);

        AtomicFile.WriteAllText(Path.Combine(o.OutDir, "chimerax.cxc"), ChimeraXScript.Build("segments" + ext, traversalFiles, o.Steps, k));

        if (o.AllStructures) WriteAllStructures(run, z, n, o.ModelsPerFile, Path.Combine(o.OutDir, "structures"), ext, bfac, progress);

        int? selected = null;
        string? selectedFile = null;
        if (filter is not null)
        {
            var idx = filter.Select(z, pcs, n, l);
            selected = idx.Length;
            AtomicFile.WriteText(Path.Combine(o.OutDir, "selected_indices.txt"), w => { foreach (var i in idx) w.WriteLine(i.ToString(Inv)); });
            if (o.LatentsPath is not null && n != run.ParticleCount)
                notes.Add($"--select: the latents ({n}) are not one per particle ({run.ParticleCount}); wrote selected_indices.txt only");
            else
            {
                selectedFile = ParticleSubset.Write(run.Setup.Particles.Table.SourcePath, idx, o.OutDir);
                if (selectedFile is null)
                    notes.Add($"--select: {run.Setup.Particles.Table.Format} input cannot be subset; use selected_indices.txt (0-based rows)");
            }
        }

        var segTable = SegmentTable.Summarize(s, hard, k);
        string config = File.Exists(run.Folder.Config) ? File.ReadAllText(run.Folder.Config) : "";
        AtomicFile.WriteAllText(Path.Combine(o.OutDir, "report.html"),
            AnalysisReport.Build($"CryoSphere analysis of {run.Folder.Root}", figures, segTable, Summary(run, metrics, n, pca, latentNats, spans, emptyNote, determination), config));

        new AnalysisManifest
        {
            Run = run.Folder.Root,
            Epoch = epoch,
            Checkpoint = run.CheckpointPath,
            Particles = n,
            LatentDim = l,
            LatentsSource = o.LatentsPath is null ? null : Path.GetFullPath(o.LatentsPath),
            ExplainedVarianceRatio = pca.ExplainedVarianceRatio,
            Traversals = traversals,
            TraversalRmsd = spans,
            LatentNats = latentNats,
            PcDetermination = determination,
            Seed = o.Seed,
            Segments = k,
        }.Write(o.OutDir);
        return new AnalysisResult(Path.GetFullPath(o.OutDir), n, l, pca.ExplainedVarianceRatio, k, selected, selectedFile, notes, spans, latentNats, determination);
    }

    /// <summary>The analysis folder's posterior standard deviations, beside z.npy (same shape).</summary>
    public const string LatentSdFile = "z_sd.npy";

    private static (float[] Z, float[]? Sd, int N) Given((float[] Z, int N) read) => (read.Z, null, read.N);

    private static (float[] Z, float[]? Sd, int N) Encoded((float[] Mu, float[] Sd) q, int n) => (q.Mu, q.Sd, n);

    private static (float[] Z, int N) ReadLatents(string path, int l)
    {
        var a = Npy.Read(path);
        if (a.Shape.Length != 2 || a.Shape[1] != l)
            throw new InputException(path, $"latents must be n × {l} (the run's latent dimension); got shape ({string.Join(", ", a.Shape)})");
        return (a.ToFloats(), (int)a.Shape[0]);
    }

    private static int? EpochOf(string checkpoint)
    {
        string name = Path.GetFileNameWithoutExtension(checkpoint);
        return name.StartsWith("epoch_", StringComparison.Ordinal) && int.TryParse(name.AsSpan(6), NumberStyles.Integer, Inv, out int e) ? e : null;
    }

    private static void WriteLatentCsv(string path, float[] z, int n, int l, IReadOnlyList<string>? names) =>
        AtomicFile.WriteText(path, w =>
        {
            w.WriteLine((names is null ? "index" : "image") + "," + string.Join(",", Enumerable.Range(1, l).Select(j => $"z{j}")));
            for (int i = 0; i < n; i++)
            {
                string id = names is null ? i.ToString(Inv) : Quote(names[i]);
                w.WriteLine(id + "," + string.Join(",", Enumerable.Range(0, l).Select(j => z[i * l + j].ToString("R", Inv))));
            }
        });

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static void WriteSegmentationCsv(string path, Structure s, float[] g, long[] hard, int k) =>
        AtomicFile.WriteText(path, w =>
        {
            w.WriteLine("chain,residue,name,segment," + string.Join(",", Enumerable.Range(1, k).Select(j => $"g{j}")));
            for (int r = 0; r < s.Count; r++)
                w.WriteLine($"{s.ChainIds[r]},{s.ResidueNumbers[r].ToString(Inv)}{s.InsertionCodes[r]},{s.ResidueNames[r]},{(hard[r] + 1).ToString(Inv)},"
                    + string.Join(",", Enumerable.Range(0, k).Select(j => g[r * k + j].ToString("G6", Inv))));
        });

    // Rotation angle (degrees) and translation length (Å) of each segment for every latent.
    private static (double[][] Angles, double[][] Shifts) Motions(TrainedRun run, float[] z, int n, int k)
    {
        var ang = new double[k][];
        var sh = new double[k][];
        for (int j = 0; j < k; j++) { ang[j] = new double[n]; sh[j] = new double[n]; }
        int l = run.LatentDim;
        const int batch = 1024;
        for (int start = 0; start < n; start += batch)
        {
            int m = Math.Min(batch, n - start);
            float[] a, t;
            using (NativeCallGuard.Enter())
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                var zt = tensor(z.AsSpan(start * l, m * l).ToArray(), [m, l]).to(run.Setup.Device);
                var (angles, tr) = run.Vae.DecoderMotion(zt);
                a = angles.cpu().contiguous().data<float>().ToArray();
                t = tr.square().sum(-1).sqrt().cpu().contiguous().data<float>().ToArray();
            }
            for (int i = 0; i < m; i++)
                for (int j = 0; j < k; j++)
                {
                    ang[j][start + i] = a[i * k + j] * 180 / Math.PI; // float product first, as written since the start
                    sh[j][start + i] = t[i * k + j];
                }
        }
        return (ang, sh);
    }

    private static void WriteVolumes(TrainedRun run, ImageGrid grid, float[] coords, int count, string dir, string prefix)
    {
        Directory.CreateDirectory(dir);
        int per = run.Setup.Structure.Count * 3;
        double half = grid.N / 2 * grid.Apix;
        for (int i = 0; i < count; i++)
        {
            float[] v;
            using (NativeCallGuard.Enter())
            using (var scope = NewDisposeScope())
            {
                var c = tensor(coords.AsSpan(i * per, per).ToArray(), [per / 3, 3]).to(run.Setup.Device);
                v = VolumeRenderer.RenderToArray(c, run.Setup.Amplitudes, run.Options.SigmaGmm, grid);
            }
            MrcWriter.WriteVolume(Path.Combine(dir, $"{prefix}_{i:000}.mrc"), v, grid.N, grid.N, grid.N, grid.Apix, (-half, -half, -half));
        }
    }

    private static void WriteAllStructures(TrainedRun run, float[] z, int n, int perFile, string dir, string ext, float[] bfac, IProgress<(int, int)>? progress)
    {
        Directory.CreateDirectory(dir);
        var s = run.Setup.Structure;
        int l = run.LatentDim, per = s.Count * 3;
        const int batch = 256;
        for (int f = 0; f < n; f += perFile)
        {
            int end = Math.Min(n, f + perFile);
            string path = Path.Combine(dir, $"particles_{f:000000}-{end - 1:000000}{ext}");
            if (ext == ".pdb")
            {
                using var w = new PdbModelWriter(path);
                for (int b = f; b < end; b += batch)
                {
                    int m = Math.Min(batch, end - b);
                    var c = run.Decode(z.AsSpan(b * l, m * l).ToArray(), m);
                    for (int i = 0; i < m; i++) w.WriteModel(s.ToAtomicModel(c.AsSpan(i * per, per).ToArray(), bfac));
                }
                w.Complete();
            }
            else
            {
                var c = run.Decode(z.AsSpan(f * l, (end - f) * l).ToArray(), end - f);
                StructureFiles.WriteModels(path, s, c, end - f, bfac);
            }
            progress?.Report((end, n));
        }
    }

    private static List<(string, string)> Summary(TrainedRun run, IReadOnlyList<Dictionary<string, double>> metrics, int n, Pca pca,
        double? latentNats, double[] spans, string? emptyNote, double[]? determination)
    {
        var r = new List<(string, string)>
        {
            ("run folder", run.Folder.Root),
            ("checkpoint", Path.GetFileName(run.CheckpointPath)),
            ("epochs trained", metrics.Count.ToString(Inv)),
        };
        if (metrics.Count > 0)
        {
            var last = metrics[^1];
            if (last.TryGetValue("loss", out var loss)) r.Add(("final loss", loss.ToString("G5", Inv)));
            if (last.TryGetValue("corr", out var corr)) r.Add(("final correlation", corr.ToString("G5", Inv)));
            double secs = metrics.Sum(m => m.GetValueOrDefault("seconds"));
            r.Add(("training time", secs < 60 ? $"{secs.ToString("F1", Inv)} s" : TimeSpan.FromSeconds(secs).ToString(@"d\.hh\:mm\:ss", Inv)));
        }
        r.Add(("particles analysed", n.ToString(Inv)));
        r.Add(("latent dimension", run.LatentDim.ToString(Inv)));
        r.Add(("explained variance (PC1…)", string.Join(", ", pca.ExplainedVarianceRatio.Take(5).Select(v => v.ToString("P1", Inv)))));
        string over = determination is null ? "the posterior means'" : "the model's population (a posterior draw per particle)";
        r.Add(($"traversal span, Cα RMSD 5th → 95th percentile of {over}", string.Join(", ", spans.Select((v, i) => $"PC{i + 1} {v.ToString("F2", Inv)} Å"))));
        if (determination is not null)
            r.Add(("determined per particle (ρ², 1 = fixed by its image)", string.Join(", ", determination.Select((v, i) => $"PC{i + 1} {v.ToString("F2", Inv)}"))));
        if (latentNats is { } kl) r.Add(("latent information (KL(z) to the prior)", $"{kl.ToString("F3", Inv)} nats per particle"));
        if (emptyNote is not null) r.Add(("warning", emptyNote));
        return r;
    }
}
