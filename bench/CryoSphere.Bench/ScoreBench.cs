using CryoSphere.Analysis;
using CryoSphere.IO;
using CryoSphere.Simulation;
using TorchSharp;

namespace CryoSphere.Bench;

/// <summary>
/// Scores a run folder's newest (or a given) checkpoint against its simulation's truth while the run goes on: |r| of
/// latent PC1 and the best PC, segmentation accuracy, and the ceiling when the panel cached it. Reads only: the
/// training holds its lock and writes on; a long run can be followed without stopping it.
/// </summary>
internal sealed class ScoreBench : IBenchmark
{
    public string Name => "score";
    public string Usage => "--run DIR --sim DIR [--epoch N --threads 1]: |r| PC1 / best PC, segmentation accuracy of a checkpoint (newest by default)";

    public int Run(BenchArgs a)
    {
        var (tr, sim) = a.OpenRunAndSimulation();
        using var opened = tr;
        var z = tr.LatentMeans();
        var (_, hard, _) = tr.Segmentation();
        var m = MotionRecovery.Compute(z, tr.ParticleCount, tr.LatentDim, hard, SimulationTruth.Open(sim));
        string ceilingFile = Path.Combine(sim, "ceiling.txt");
        string ceiling = File.Exists(ceilingFile) ? File.ReadAllText(ceilingFile).Trim() : "not cached";
        Console.WriteLine($"epoch {tr.Meta.Epoch}: |r| PC1 {Math.Abs(m.PearsonPc1):F3}, best PC {m.BestAbsPearson:F3}, segmentation {m.SegmentationAccuracy:F3} ({m.SegmentsFound} segments found), ceiling {ceiling}");
        // Whether the motion is in z but off PC1: R of a linear fit of each truth coordinate on all of z, and how the
        // latent's variance is shared over its PCs.
        var truth = TruthTable.Read(Path.Combine(sim, "truth.csv"));
        var per = CoordinateRecovery.Compute(z, tr.ParticleCount, tr.LatentDim, truth, null);
        Console.WriteLine("linear fit on all of z: " + string.Join(", ", per.Select(c => $"{c.Name} R {c.LinearFitR:F3}")));
        var shares = Pca.Fit(z, tr.ParticleCount, tr.LatentDim).ExplainedVarianceRatio;
        Console.WriteLine("PC variance shares: " + string.Join(" / ", shares.Select(v => (100 * v).ToString("F1", System.Globalization.CultureInfo.InvariantCulture))) + " %");
        return 0;
    }
}
