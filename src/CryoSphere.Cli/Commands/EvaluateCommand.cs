using System.CommandLine;
using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Simulation;

namespace CryoSphere.Cli;

/// <summary>`cryosphere evaluate`: an analysis of a run on simulated data against the simulation's truth.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext ctx)
    {
        var analysis = new Option<string>("--analysis") { Description = "Folder written by cryosphere analyze.", Required = true };
        var truth = new Option<string>("--truth") { Description = "Simulation folder (simulation.json, truth.csv).", Required = true };
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: the analysis folder)." };
        var particles = new Option<int>("--particles") { Description = "Particles compared by FSC.", DefaultValueFactory = _ => 20 };
        var maxStructures = new Option<int>("--max-structures") { Description = "Most structures for RMSD and clash counts.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the particle sample.", DefaultValueFactory = _ => 1 };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda." };
        var ceiling = new Option<int>("--ceiling-images")
        {
            Description = "Images scored for the information ceiling (best-fitting true state per image, given its true pose and CTF); 0 skips it.",
            DefaultValueFactory = _ => 500,
        };
        var distance = new Option<string[]>("--distance")
        {
            Description = "Centroid distance between two residue selections' Cα, predicted vs true per particle: SEL1/SEL2, e.g. A:1-100/A:150-214 (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var cmd = new Command("evaluate", "Compare an analysis with the ground truth of a simulation (FSC, PC correlation vs the information ceiling, RMSD, clashes, distances).")
        { analysis, truth, outDir, particles, maxStructures, seed, device, ceiling, distance };
        cmd.SetAction(pr =>
        {
            var o = new EvaluateOptions
            {
                AnalysisDir = pr.GetValue(analysis)!,
                TruthDir = pr.GetValue(truth)!,
                OutDir = pr.GetValue(outDir),
                FscParticles = pr.GetValue(particles),
                MaxStructures = pr.GetValue(maxStructures),
                Seed = pr.GetValue(seed),
                Device = pr.GetValue(device),
                CeilingImages = pr.GetValue(ceiling),
                Distances = pr.GetValue(distance) ?? [],
            };
            var s = o.CeilingImages > 0
                ? ConsoleProgress.Run(ctx, "information ceiling (images)", o.CeilingImages, p => Evaluator.Run(o, SimulationTruth.Open, p))
                : Evaluator.Run(o, SimulationTruth.Open);
            var inv = CultureInfo.InvariantCulture;
            string F(double v) => v.ToString("F3", inv);
            string Beyond(int k) => k == 0 ? "" : $"; not reached (beyond Nyquist) for {k} of {s.FscParticles}";
            ctx.Out.WriteLine($"{"FSC resolution at 0.5 (Å)",-34}{F(s.FscResolution05Mean)} ± {F(s.FscResolution05Sd)}  ({s.FscParticles} particles{Beyond(s.FscBeyondNyquist05)})");
            ctx.Out.WriteLine($"{"FSC resolution at 0.143 (Å)",-34}{F(s.FscResolution0143Mean)} ± {F(s.FscResolution0143Sd)}{(s.FscBeyondNyquist0143 > 0 ? $"  ({Beyond(s.FscBeyondNyquist0143)[2..]})" : "")}");
            foreach (var c in s.Coordinates)
            {
                ctx.Out.WriteLine($"{"PC vs " + c.Name + " (Pearson r)",-34}" + string.Join("  ", c.PcCorrelations.Select((r, i) => $"PC{i + 1} {F(r)}")) + $"  best |r| {F(c.BestAbsR)} (PC{c.BestPc})");
                string ceil = c.CeilingR is { } cr ? $"  ceiling r {F(cr)}  |r|/ceiling {(c.RatioToCeiling is { } q ? F(q) : "n/a")}" : "";
                ctx.Out.WriteLine($"{"  " + c.Name + " from all of z",-34}linear-fit R {F(c.LinearFitR)}{ceil}");
            }
            if (s.Ceiling is { } ce)
                ctx.Out.WriteLine($"{"Information ceiling",-34}{ce.Images} images, {ce.GridPoints} states per image"
                    + (ce.StateAccuracy is { } acc ? $", state (frame) accuracy {F(acc)}" : ""));
            ctx.Out.WriteLine($"{"Cα RMSD to truth (Å)",-34}mean {F(s.RmsdMean)}  median {F(s.RmsdMedian)}  ({s.RmsdParticles} particles)");
            ctx.Out.WriteLine($"{"Cα clashes per structure",-34}{F(s.ClashesMean)}  (base structure {s.BaseClashes}; {s.ClashStructures} structures)");
            foreach (var d in s.Distances)
                ctx.Out.WriteLine($"{"Distance " + d.Pair + " (Å)",-34}r {F(d.PearsonR)}  predicted {F(d.PredictedMean)} ± {F(d.PredictedSd)}"
                    + (d.DrawnSd is { } ds ? $"  model's population {F(d.DrawnMean!.Value)} ± {F(ds)}" : "")
                    + $"  true {F(d.TrueMean)} ± {F(d.TrueSd)}  ({d.Particles} particles; {d.ScatterPng})");
            ctx.Out.WriteLine($"wrote {Path.Combine(o.OutDir ?? o.AnalysisDir, "summary.json")}");
            return 0;
        });
        return cmd;
    }
}
