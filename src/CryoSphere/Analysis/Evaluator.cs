using System.Globalization;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Data;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// <c>cryosphere evaluate</c>: compares an analysis of a run trained on simulated data with the simulation's truth —
/// FSC of predicted vs true maps, latent PC and linear-fit correlation with each truth coordinate, the information
/// ceiling those correlations are bounded by, Cα RMSD, clashes and centroid distances between residue selections.
/// </summary>
public static class Evaluator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Evaluates and writes summary.json; <paramref name="openTruth"/> opens <see cref="EvaluateOptions.TruthDir"/>
    /// (a simulation folder: <c>Simulation.SimulationTruth.Open</c>) once the analysis has been read;
    /// <paramref name="ceilingProgress"/> follows the ceiling's images (the slow part).
    /// </summary>
    public static EvaluationSummary Run(EvaluateOptions o, Func<string, IGroundTruth> openTruth,
        IProgress<(int Done, int Total)>? ceilingProgress = null)
    {
        if (o.FscParticles < 1) throw new InputException($"--particles must be at least 1 (got {o.FscParticles})");
        if (o.MaxStructures < 1) throw new InputException($"--max-structures must be at least 1 (got {o.MaxStructures})");
        if (o.CeilingImages < 0) throw new InputException($"--ceiling-images must be 0 (skip) or more (got {o.CeilingImages})");
        if (!Directory.Exists(o.AnalysisDir)) throw new InputException(o.AnalysisDir, "analysis folder not found");
        if (!Directory.Exists(o.TruthDir)) throw new InputException(o.TruthDir, "simulation folder not found");
        var manifest = AnalysisManifest.Read(o.AnalysisDir);
        string zPath = Path.Combine(o.AnalysisDir, "z.npy");
        if (!File.Exists(zPath)) throw new InputException(zPath, "latents not found");
        var za = Npy.Read(zPath);
        if (za.Shape.Length != 2) throw new InputException(zPath, "latents must be a 2-D array");
        int n = (int)za.Shape[0], l = (int)za.Shape[1];
        var z = za.ToFloats();
        // Where analyze knew the posteriors: one draw per particle, decoded, is the population the model infers.
        string sdPath = Path.Combine(o.AnalysisDir, Analyzer.LatentSdFile);
        float[]? draws = null;
        if (o.Distances.Length > 0 && File.Exists(sdPath))
        {
            var sa = Npy.Read(sdPath);
            if (sa.Shape.Length != 2 || sa.Shape[0] != n || sa.Shape[1] != l)
                throw new InputException(sdPath, $"shape ({string.Join(", ", sa.Shape)}) but z.npy is ({n}, {l})");
            draws = PosteriorDraws.One(z, sa.ToFloats(), o.Seed);
        }

        var family = openTruth(o.TruthDir);
        var truth = family.Coordinates;
        if (truth.Count != n)
            throw new InputException(zPath, $"{n} latents but the simulation's truth.csv has {truth.Count} particles");
        float[] TrueState(int i) => family.State(truth.Row(i));

        using var run = TrainedRun.Open(manifest.Run, manifest.Epoch, o.Device, needImages: false);
        if (run.LatentDim != l) throw new InputException(zPath, $"latents have {l} columns but the run's latent dimension is {run.LatentDim}");
        var s = run.Setup.Structure;
        int per = s.Count * 3;
        if (family.Base.Count != s.Count)
            throw new InputException(o.TruthDir, $"the simulation's structure has {family.Base.Count} residues, the run's {s.Count}");
        var distances = o.Distances.Select(d => CentroidDistance.Parse(s, d)).ToArray();

        var rng = new Random(o.Seed);
        // FSC between predicted and true maps for a sample of particles.
        var fscIdx = Sample(rng, n, o.FscParticles);
        var grid = new ImageGrid(run.Setup.BoxSize, run.Setup.Particles.PixelSize);
        var pred = run.Decode(Rows(z, fscIdx, l), fscIdx.Length);
        var curves = new List<double[]>();
        var r05 = new List<double>();
        var r0143 = new List<double>();
        int beyond05 = 0, beyond0143 = 0;
        for (int j = 0; j < fscIdx.Length; j++)
        {
            var a = Render(run, pred.AsSpan(j * per, per).ToArray(), grid);
            var b = Render(run, TrueState(fscIdx[j]), grid);
            var c = Fsc.Curve(a, b, grid.N);
            curves.Add(c);
            r05.Add(Fsc.Resolution(c, grid.N, grid.Apix, 0.5));
            r0143.Add(Fsc.Resolution(c, grid.N, grid.Apix, 0.143));
            if (!Fsc.Crosses(c, 0.5)) beyond05++;
            if (!Fsc.Crosses(c, 0.143)) beyond0143++;
        }
        string outDir = o.OutDir ?? o.AnalysisDir;
        Directory.CreateDirectory(outDir);
        WriteFsc(outDir, curves, grid);

        // Latent PCs and a linear fit on all of z against each truth coordinate, next to the ceiling.
        var ceiling = o.CeilingImages > 0 ? InformationCeiling.Compute(family, o.CeilingImages, progress: ceilingProgress) : null;
        var coords = CoordinateRecovery.Compute(z, n, l, truth, ceiling);

        // RMSD to the truth and clashes, over up to MaxStructures particles; bonded pairs judged on the base
        // structure, as the training losses do.
        var neighbourKeys = ChainNeighbours.Keys(ChainNeighbours.Of(s), s.Count);
        var idx = Sample(rng, n, o.MaxStructures);
        var rmsd = new List<double>();
        var clashes = new List<double>();
        var distTrue = distances.Select(_ => new double[idx.Length]).ToArray();
        var distPred = distances.Select(_ => new double[idx.Length]).ToArray();
        var distDrawn = draws is null ? null : distances.Select(_ => new double[idx.Length]).ToArray();
        const int batch = 256;
        for (int b0 = 0; b0 < idx.Length; b0 += batch)
        {
            var part = idx.AsSpan(b0, Math.Min(batch, idx.Length - b0)).ToArray();
            var c = run.Decode(Rows(z, part, l), part.Length);
            for (int j = 0; j < part.Length; j++)
            {
                var p = c.AsSpan(j * per, per);
                var t = TrueState(part[j]);
                rmsd.Add(Statistics.Rmsd(p, t));
                clashes.Add(Clashes.Count(p, neighbourKeys));
                for (int k = 0; k < distances.Length; k++)
                {
                    distPred[k][b0 + j] = distances[k].Measure(p);
                    distTrue[k][b0 + j] = distances[k].Measure(t);
                }
            }
            if (distDrawn is not null && distances.Length > 0)
            {
                var d = run.Decode(Rows(draws!, part, l), part.Length);
                for (int j = 0; j < part.Length; j++)
                    for (int k = 0; k < distances.Length; k++)
                        distDrawn[k][b0 + j] = distances[k].Measure(d.AsSpan(j * per, per));
            }
        }

        var summary = new EvaluationSummary
        {
            Run = manifest.Run,
            Epoch = manifest.Epoch,
            Particles = n,
            TruthCoordinate = truth.Names[0],
            Coordinates = coords,
            Ceiling = ceiling is null ? null : new CeilingSummary
            {
                Images = ceiling.Images, GridPoints = ceiling.GridPoints, R = ceiling.R, StateAccuracy = ceiling.StateAccuracy,
            },
            Distances = distances.Select((d, k) => DistanceReport.Write(outDir, k + 1, d.Text, idx, distTrue[k], distPred[k], distDrawn?[k])).ToArray(),
            FscParticles = fscIdx.Length,
            FscResolution05Mean = r05.Average(),
            FscResolution05Sd = Statistics.StandardDeviation(r05),
            FscResolution0143Mean = r0143.Average(),
            FscResolution0143Sd = Statistics.StandardDeviation(r0143),
            FscBeyondNyquist05 = beyond05,
            FscBeyondNyquist0143 = beyond0143,
            PcCorrelations = coords[0].PcCorrelations,
            BestPc = coords[0].BestPc,
            BestAbsR = coords[0].BestAbsR,
            RmsdParticles = rmsd.Count,
            RmsdMean = rmsd.Average(),
            RmsdMedian = Statistics.Median(rmsd),
            ClashStructures = clashes.Count,
            ClashesMean = clashes.Average(),
            BaseClashes = Clashes.Count(s.Coordinates, neighbourKeys),
        };
        summary.Write(Path.Combine(outDir, "summary.json"));
        return summary;
    }

    private static int[] Sample(Random rng, int n, int k)
    {
        if (k >= n) return Enumerable.Range(0, n).ToArray();
        var all = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(all);
        var pick = all.Take(k).ToArray();
        Array.Sort(pick);
        return pick;
    }

    private static float[] Rows(float[] z, int[] idx, int l)
    {
        var r = new float[idx.Length * l];
        for (int j = 0; j < idx.Length; j++) Array.Copy(z, idx[j] * l, r, j * l, l);
        return r;
    }

    private static float[] Render(TrainedRun run, float[] coords, ImageGrid grid)
    {
        using var guard = NativeCallGuard.Enter();
        using var scope = NewDisposeScope();
        var c = tensor(coords, [coords.Length / 3, 3]).to(run.Setup.Device);
        return VolumeRenderer.RenderToArray(c, run.Setup.Amplitudes, run.Options.SigmaGmm, grid);
    }

    private static void WriteFsc(string dir, List<double[]> curves, ImageGrid grid)
    {
        int shells = curves[0].Length;
        var mean = new double[shells];
        var sd = new double[shells];
        for (int sh = 0; sh < shells; sh++)
        {
            var col = curves.Select(c => c[sh]).ToArray();
            mean[sh] = col.Average();
            sd[sh] = Statistics.StandardDeviation(col);
        }
        var freq = Enumerable.Range(0, shells).Select(sh => Fsc.Frequency(sh, grid.N, grid.Apix)).ToArray();
        AtomicFile.WriteText(Path.Combine(dir, "fsc.csv"), w =>
        {
            w.WriteLine("shell,frequency,resolution_A,fsc_mean,fsc_sd");
            for (int sh = 0; sh < shells; sh++)
                w.WriteLine($"{sh.ToString(Inv)},{freq[sh].ToString("G6", Inv)},{(sh == 0 ? "inf" : (1 / freq[sh]).ToString("G6", Inv))},{mean[sh].ToString("G6", Inv)},{sd[sh].ToString("G6", Inv)}");
        });
        var png = AnalysisPlots.FscCurve(freq, mean, sd);
        AtomicFile.Write(Path.Combine(dir, "fsc.png"), st => st.Write(png));
    }
}
