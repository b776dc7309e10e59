using System.CommandLine;
using System.Globalization;
using CryoSphere.Training;
using CryoSphere.Workflows;

namespace CryoSphere.Cli;

/// <summary>`cryosphere demo`: simulate → train → analyze → evaluate on the bundled structure, with a summary.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext ctx)
    {
        var outDir = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "cryosphere-demo" };
        var quick = new Option<bool>("--quick") { Description = "A smaller, faster demo (about a minute)." };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda.", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("demo", "Run the whole method on a bundled example and check the result against the truth.") { outDir, quick, device, threads, seed };
        cmd.SetAction(pr =>
        {
            var o = new DemoOptions { OutDir = pr.GetValue(outDir)!, Quick = pr.GetValue(quick), Device = pr.GetValue(device)!, Threads = pr.GetValue(threads), Seed = pr.GetValue(seed) };
            // Checked before the demo simulates anything, so a bad value leaves no half-made folder behind.
            if (o.Threads < 0) throw new InputException($"--threads must be 0 (all cores) or more (got {o.Threads})");
            TorchRuntime.CheckDevice(o.Device);
            int stageNo = 0;
            var start = DateTime.UtcNow;
            var last = DateTime.MinValue;
            var progress = new SyncProgress<TrainProgress>(p =>
            {
                if (p.EpochDone || (DateTime.UtcNow - last).TotalSeconds >= 10)
                {
                    last = DateTime.UtcNow;
                    ctx.Out.WriteLine($"  epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches}: loss {p.Loss:F4}, {p.ImagesPerSecond:F0} images/s");
                }
            });
            var r = Demo.Run(o, s => ctx.Out.WriteLine($"[{++stageNo}/5 {(DateTime.UtcNow - start).TotalSeconds:F0} s] {s}"), progress);
            var inv = CultureInfo.InvariantCulture;
            ctx.Out.WriteLine();
            ctx.Out.WriteLine("  measure                                   value      pass mark");
            ctx.Out.WriteLine($"  |r| latent PC vs hinge angle              {r.AbsR.ToString("0.000", inv),-10} ≥ {r.MinAbsR.ToString("0.00", inv)}");
            if (r.CeilingR is { } ceil)
                ctx.Out.WriteLine($"  information ceiling r (|r| / ceiling)     {ceil.ToString("0.000", inv),-10} ({(r.AbsR / ceil).ToString("0.00", inv)})");
            ctx.Out.WriteLine($"  residues in correctly labelled segments   {r.SegmentationAccuracy?.ToString("0.000", inv),-10} ≥ {r.MinSegmentationAccuracy.ToString("0.00", inv)}");
            ctx.Out.WriteLine($"  segments found (moving domains)           {r.SegmentsFound} ({r.SegmentsMoving})");
            ctx.Out.WriteLine($"  FSC to truth at 0.5 / 0.143               {r.Fsc05.ToString("0.0", inv)} / {r.Fsc0143.ToString("0.0", inv)} Å");
            if (r.Fit is { } f)
                ctx.Out.WriteLine($"  frame recovery: fitted base to true frame {f.RmsdAfter.ToString("0.00", inv) + " Å",-10} (start {f.RmsdBefore.ToString("0.0", inv)} Å; {f.Seconds.ToString("0", inv)} s)");
            ctx.Out.WriteLine($"  Cα RMSD to truth                          {r.RmsdMean.ToString("0.00", inv)} Å");
            ctx.Out.WriteLine($"  clashes per structure (base)              {r.ClashesMean.ToString("0.0", inv)} ({r.BaseClashes})");
            ctx.Out.WriteLine($"  wall time                                 {r.WallSeconds.ToString("0", inv)} s");
            ctx.Out.WriteLine();
            ctx.Out.WriteLine($"{(r.Passed ? "PASSED" : "FAILED")}: report {r.ReportPath}");
            return r.Passed ? 0 : 1;
        });
        return cmd;
    }
}
