using System.Globalization;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Simulation;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// <c>cryosphere evaluate</c>: compares an analysis of a run trained on simulated data with the simulation's truth —
/// FSC of predicted vs true maps, latent PC vs truth coordinate correlation, Cα RMSD and clashes.
/// </summary>
public static class Evaluator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static EvaluationSummary Run(EvaluateOptions o)
    {
        if (o.FscParticles < 1) throw new InputException($"--particles must be at least 1 (got {o.FscParticles})");
        if (o.MaxStructures < 1) throw new InputException($"--max-structures must be at least 1 (got {o.MaxStructures})");
        if (!Directory.Exists(o.AnalysisDir)) throw new InputException(o.AnalysisDir, "analysis folder not found");
        if (!Directory.Exists(o.TruthDir)) throw new InputException(o.TruthDir, "simulation folder not found");
        var manifest = AnalysisManifest.Read(o.AnalysisDir);
        string zPath = Path.Combine(o.AnalysisDir, "z.npy");
        if (!File.Exists(zPath)) throw new InputException(zPath, "latents not found");
        var za = Npy.Read(zPath);
        if (za.Shape.Length != 2) throw new InputException(zPath, "latents must be a 2-D array");
        int n = (int)za.Shape[0], l = (int)za.Shape[1];
        var z = za.ToFloats();

        var sim = Simulator.ReadOptions(o.TruthDir);
        if (!File.Exists(sim.StructurePath) && !Path.IsPathRooted(sim.StructurePath))
            sim = sim with { StructurePath = Path.Combine(o.TruthDir, sim.StructurePath) };
        var (coordName, truthCoord) = ReadTruth(Path.Combine(o.TruthDir, "truth.csv"));
        if (truthCoord.Length != n)
            throw new InputException(zPath, $"{n} latents but the simulation's truth.csv has {truthCoord.Length} particles");
        var (_, state) = Simulator.Truth(sim);

        using var run = TrainedRun.Open(manifest.Run, manifest.Epoch, o.Device, needImages: false);
        if (run.LatentDim != l) throw new InputException(zPath, $"latents have {l} columns but the run's latent dimension is {run.LatentDim}");
        var s = run.Setup.Structure;
        int per = s.Count * 3;
        if (state(truthCoord[0]).Length != per)
            throw new InputException(o.TruthDir, $"the simulation's structure has {state(truthCoord[0]).Length / 3} residues, the run's {s.Count}");

        var rng = new Random(o.Seed);
        // FSC between predicted and true maps for a sample of particles.
        var fscIdx = Sample(rng, n, o.FscParticles);
        var grid = new ImageGrid(run.Setup.BoxSize, run.Setup.Data.PixelSize);
        var pred = run.Decode(Rows(z, fscIdx, l), fscIdx.Length);
        var curves = new List<double[]>();
        var r05 = new List<double>();
        var r0143 = new List<double>();
        int beyond05 = 0, beyond0143 = 0;
        for (int j = 0; j < fscIdx.Length; j++)
        {
            var a = Render(run, pred.AsSpan(j * per, per).ToArray(), grid);
            var b = Render(run, state(truthCoord[fscIdx[j]]), grid);
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

        // Latent PCs against the truth coordinate.
        var pca = Pca.Fit(z, n, l);
        var pcs = pca.Transform(z, n, l);
        int npc = Math.Min(3, l);
        var truthList = truthCoord.ToList();
        var r = Enumerable.Range(0, npc).Select(k => Statistics.Pearson(Enumerable.Range(0, n).Select(i => pcs[i * l + k]).ToArray(), truthList)).ToArray();
        int best = Enumerable.Range(0, npc).MaxBy(k => Math.Abs(r[k]));

        // RMSD to the truth and clashes, over up to MaxStructures particles; bonded pairs judged on the base
        // structure, as the training losses do.
        var neighbourKeys = ChainNeighbours.Keys(ChainNeighbours.Of(s), s.Count);
        var idx = Sample(rng, n, o.MaxStructures);
        var rmsd = new List<double>();
        var clashes = new List<double>();
        const int batch = 256;
        for (int b0 = 0; b0 < idx.Length; b0 += batch)
        {
            var part = idx.AsSpan(b0, Math.Min(batch, idx.Length - b0)).ToArray();
            var c = run.Decode(Rows(z, part, l), part.Length);
            for (int j = 0; j < part.Length; j++)
            {
                var p = c.AsSpan(j * per, per);
                rmsd.Add(Statistics.Rmsd(p, state(truthCoord[part[j]])));
                clashes.Add(Clashes.Count(p, neighbourKeys));
            }
        }

        var summary = new EvaluationSummary
        {
            Run = manifest.Run,
            Epoch = manifest.Epoch,
            Particles = n,
            TruthCoordinate = coordName,
            FscParticles = fscIdx.Length,
            FscResolution05Mean = r05.Average(),
            FscResolution05Sd = Statistics.StandardDeviation(r05),
            FscResolution0143Mean = r0143.Average(),
            FscResolution0143Sd = Statistics.StandardDeviation(r0143),
            FscBeyondNyquist05 = beyond05,
            FscBeyondNyquist0143 = beyond0143,
            PcCorrelations = r,
            BestPc = best + 1,
            BestAbsR = Math.Abs(r[best]),
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
        using var scope = NewDisposeScope();
        var c = tensor(coords, [coords.Length / 3, 3]).to(run.Setup.Device);
        return VolumeRenderer.RenderToArray(c, run.Setup.Amplitudes, run.Options.SigmaGmm, grid);
    }

    /// <summary>truth.csv of a simulation: the coordinate's name and its value per particle index.</summary>
    internal static (string Name, double[] Values) ReadTruth(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "truth file not found");
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2) throw new InputException(path, "no particles");
        var head = lines[0].Split(',');
        if (head.Length < 2 || head[0] != "index") throw new InputException(path, "expected a header 'index,<coordinate>,…'", 1);
        var v = new double[lines.Length - 1];
        var seen = new bool[v.Length];
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            if (f.Length < 2 || !int.TryParse(f[0], NumberStyles.Integer, Inv, out int idx) || idx < 0 || idx >= v.Length
                || !double.TryParse(f[1], NumberStyles.Float, Inv, out double x))
                throw new InputException(path, "cannot read this row", i + 1);
            v[idx] = x;
            seen[idx] = true;
        }
        if (seen.Contains(false)) throw new InputException(path, "particle indices are not 0…n−1");
        return (head[1], v);
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
