using System.Diagnostics;
using System.Globalization;
using System.Net;
using CryoSphere.Analysis;
using CryoSphere.IO;
using CryoSphere.Simulation;
using CryoSphere.Training;

namespace CryoSphere.Workflows;

/// <summary>
/// The bundled end-to-end run: simulate a LID-domain hinge of adenylate kinase (1AKE chain A, shipped
/// inside the tool) at SNR 0.1, train with the default settings, analyze, evaluate against the truth,
/// and write one report.
/// </summary>
public static class Demo
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The bundled structure (wwPDB entry 1AKE, public domain), written to <paramref name="path"/>.</summary>
    public static void WriteBundledStructure(string path)
    {
        using var s = typeof(Demo).Assembly.GetManifestResourceStream("CryoSphere.Resources.1ake.pdb")
            ?? throw new InvalidOperationException("bundled structure missing from the assembly");
        AtomicFile.Write(path, o => s.CopyTo(o));
    }

    public static DemoResult Run(DemoOptions o, Action<string> stage, IProgress<TrainProgress>? trainProgress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        string root = Path.GetFullPath(o.OutDir);
        string input = Path.Combine(root, "input", "1ake.pdb");
        string sim = Path.Combine(root, "simulation");
        string run = Path.Combine(root, "run");
        string analysis = Path.Combine(root, "analysis");
        string fitDir = Path.Combine(root, "fit");
        foreach (var d in new[] { sim, fitDir, run, analysis })
            if (Directory.Exists(d) && Directory.EnumerateFileSystemEntries(d).Any())
                throw new InputException(root, $"already holds a demo ({Path.GetFileName(d)}/ exists); choose another --out or remove it");
        WriteBundledStructure(input);

        stage($"simulating {o.Images} images of {o.Npix} px: LID domain (A:122-159) hinged by ±45° about A:118→A:167, SNR 0.1");
        var so = new SimulationOptions
        {
            StructurePath = input, Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"], Axis = "A:118,A:167", Range = [-45, 45],
            NImages = o.Images, Npix = o.Npix, Apix = o.Apix, Snr = 0.1, Seed = o.Seed, OutDirValue = sim,
        };
        var simResult = Simulator.Run(so, ct: ct);

        stage($"recovering the frame: the base structure displaced by a random rigid transform, fitted into a map backprojected from {DemoFit.Images} images");
        var fit = DemoFit.Run(Path.Combine(sim, "base.pdb"), Path.Combine(sim, "particles.star"), fitDir, o.Seed, ct);

        var to = TrainConfigReader.Read(Path.Combine(sim, "parameters.yaml")) with
        {
            OutDir = run, Device = o.Device, Threads = o.Threads, Seed = o.Seed, BaseStructurePath = fit.FittedPath,
        };
        if (o.Epochs is { } epochs) to = to with { Epochs = epochs };
        stage(o.Epochs is { } e ? $"training {e} epochs with the default settings" : "training with the default settings until the correlation plateaus");
        var tr = Trainer.Run(to, trainProgress, ct);
        if (tr.Interrupted) throw new OperationCanceledException();

        stage("analyzing: latent PCA, traversals, segmentation, plots");
        Analyzer.Run(new AnalysisOptions { RunDir = run, OutDir = analysis, Device = o.Device, Steps = 10, Pcs = 2 });

        stage("evaluating against the ground truth");
        var ev = Evaluator.Run(new EvaluateOptions { AnalysisDir = analysis, TruthDir = sim, Device = o.Device, FscParticles = o.Quick ? 8 : 20, MaxStructures = o.Quick ? 300 : 2000, CeilingImages = o.Quick ? 200 : 500 }, SimulationTruth.Open);
        double? segAcc;
        int found;
        using (var trained = TrainedRun.Open(run, device: o.Device, needImages: false))
        {
            var (_, hard, _) = trained.Segmentation();
            var moving = new HashSet<int>(StructureSelection.Parse(trained.Setup.Structure, "A:122-159"));
            segAcc = MotionRecovery.SegmentationAccuracy(hard, moving);
            found = hard.Where(h => h >= 0).Distinct().Count();
        }

        var result = new DemoResult(root, ev.BestAbsR, o.MinAbsR, segAcc, o.MinSegmentationAccuracy, found, 1,
            ev.FscResolution0143Mean, ev.FscResolution05Mean, ev.ClashesMean, ev.BaseClashes, ev.RmsdMean,
            clock.Elapsed.TotalSeconds, Path.Combine(root, "report.html"), ev.Ceiling?.R[0], fit);
        WriteReport(result, Path.Combine(analysis, "report.html"), simResult);
        return result;
    }

    /// <summary>The analysis report with the demo's summary table on top.</summary>
    private static void WriteReport(DemoResult r, string analysisReport, SimulationResult sim)
    {
        string html = File.Exists(analysisReport) ? File.ReadAllText(analysisReport) : "<html><body></body></html>";
        string table = $"""
            <h1>CryoSphere demo</h1>
            <p>Adenylate kinase (1AKE chain A, {sim.Residues} residues): the LID domain (A:122–159) hinged by ±45° about
            the axis A:118→A:167; {sim.Images} simulated images at SNR {sim.RealisedSnr?.ToString("0.###", Inv)}.</p>
            <table border="1" cellpadding="4">
            <tr><th>measure</th><th>value</th><th>pass mark</th></tr>
            <tr><td>|r| latent PC vs hinge angle</td><td>{r.AbsR.ToString("0.000", Inv)}</td><td>≥ {r.MinAbsR.ToString("0.00", Inv)}</td></tr>
            <tr><td>information ceiling r (|r| / ceiling)</td><td>{r.CeilingR?.ToString("0.000", Inv)} ({(r.AbsR / r.CeilingR)?.ToString("0.00", Inv)})</td><td></td></tr>
            <tr><td>residues in a correctly labelled (moving/fixed) segment</td><td>{r.SegmentationAccuracy?.ToString("0.000", Inv)}</td><td>≥ {r.MinSegmentationAccuracy.ToString("0.00", Inv)}</td></tr>
            <tr><td>segments found (moving domains simulated)</td><td>{r.SegmentsFound} ({r.SegmentsMoving})</td><td></td></tr>
            <tr><td>FSC to truth at 0.5 / 0.143 (Å)</td><td>{r.Fsc05.ToString("0.0", Inv)} / {r.Fsc0143.ToString("0.0", Inv)}</td><td></td></tr>
            <tr><td>frame recovery: Cα RMSD of the fitted base structure to the true frame (of the random start); map correlation; seconds</td><td>{r.Fit?.RmsdAfter.ToString("0.00", Inv)} Å ({r.Fit?.RmsdBefore.ToString("0.0", Inv)} Å); {r.Fit?.CorrelationBefore.ToString("0.000", Inv)} → {r.Fit?.CorrelationAfter.ToString("0.000", Inv)}; {r.Fit?.Seconds.ToString("0", Inv)} s</td><td></td></tr>
            <tr><td>Cα RMSD to truth (Å)</td><td>{r.RmsdMean.ToString("0.00", Inv)}</td><td></td></tr>
            <tr><td>clashes per structure (base)</td><td>{r.ClashesMean.ToString("0.0", Inv)} ({r.BaseClashes})</td><td></td></tr>
            <tr><td>wall time</td><td>{r.WallSeconds.ToString("0", Inv)} s</td><td></td></tr>
            <tr><td>result</td><td colspan="2"><b>{(r.Passed ? "PASSED" : "FAILED")}</b></td></tr>
            </table>
            <p>Details below; files in {WebUtility.HtmlEncode(r.OutDir)}.</p>
            """;
        int body = html.IndexOf("<body", StringComparison.OrdinalIgnoreCase);
        int insertAt = body < 0 ? 0 : html.IndexOf('>', body) + 1;
        AtomicFile.WriteAllText(r.ReportPath, html.Insert(insertAt, table));
    }
}
