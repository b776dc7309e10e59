using System.CommandLine;
using System.Globalization;
using CryoSphere.Analysis;

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
        var cmd = new Command("evaluate", "Compare an analysis with the ground truth of a simulation (FSC, PC correlation, RMSD, clashes).")
        { analysis, truth, outDir, particles, maxStructures, seed, device };
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
            };
            var s = Evaluator.Run(o);
            var inv = CultureInfo.InvariantCulture;
            string F(double v) => v.ToString("F3", inv);
            string Beyond(int k) => k == 0 ? "" : $"; not reached (beyond Nyquist) for {k} of {s.FscParticles}";
            ctx.Out.WriteLine($"{"FSC resolution at 0.5 (Å)",-34}{F(s.FscResolution05Mean)} ± {F(s.FscResolution05Sd)}  ({s.FscParticles} particles{Beyond(s.FscBeyondNyquist05)})");
            ctx.Out.WriteLine($"{"FSC resolution at 0.143 (Å)",-34}{F(s.FscResolution0143Mean)} ± {F(s.FscResolution0143Sd)}{(s.FscBeyondNyquist0143 > 0 ? $"  ({Beyond(s.FscBeyondNyquist0143)[2..]})" : "")}");
            ctx.Out.WriteLine($"{"PC vs " + s.TruthCoordinate + " (Pearson r)",-34}" + string.Join("  ", s.PcCorrelations.Select((r, i) => $"PC{i + 1} {F(r)}")) + $"  best |r| {F(s.BestAbsR)} (PC{s.BestPc})");
            ctx.Out.WriteLine($"{"Cα RMSD to truth (Å)",-34}mean {F(s.RmsdMean)}  median {F(s.RmsdMedian)}  ({s.RmsdParticles} particles)");
            ctx.Out.WriteLine($"{"Cα clashes per structure",-34}{F(s.ClashesMean)}  (base structure {s.BaseClashes}; {s.ClashStructures} structures)");
            ctx.Out.WriteLine($"wrote {Path.Combine(o.OutDir ?? o.AnalysisDir, "summary.json")}");
            return 0;
        });
        return cmd;
    }
}
