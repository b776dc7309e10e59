using System.Globalization;
using CryoSphere.Training;

namespace CryoSphere.Bench;

/// <summary>
/// Replays the plateau rule on finished runs: for each run folder, the epoch at which <see cref="TrainingBudget"/> would
/// have stopped it from its metrics.csv, with its own settings (config.yaml as recorded) and steps per epoch (the
/// checkpoint's particles, held-out split and batch), and with a different window (<c>--window-epochs</c>), tolerance,
/// minimum of steps (<c>--min-steps</c>) or KL(z) growth judged (<c>--latent-growth</c>).
/// A change to the rule is checked on every curve already measured without training again (docs/training-defaults.md §21).
/// </summary>
internal sealed class PlateauBench : IBenchmark
{
    public string Name => "plateau";
    public string Usage => "--runs DIR[,DIR…] [--window-epochs N --tolerance T --min-steps S --latent-growth G]: the epoch the plateau rule stops each run at, as recorded and as asked";

    public int Run(BenchArgs a)
    {
        string runs = a.String("runs") ?? throw new ArgumentException("--runs DIR[,DIR…] is required");
        Console.WriteLine("| run | epochs recorded | steps/epoch | stop as recorded | stop as asked |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (string dir in runs.Split(','))
        {
            var folder = new RunFolder(dir);
            var recorded = TrainConfigReader.ReadRecorded(folder.Config);
            var asked = recorded with
            {
                StopOnPlateau = true,
                PlateauWindowEpochs = a.Int("window-epochs", recorded.PlateauWindowEpochs),
                PlateauTolerance = a.Double("tolerance", recorded.PlateauTolerance),
                MinSteps = a.Int("min-steps", recorded.MinSteps ?? RampStepsChoice.DefaultMinSteps),
                PlateauLatentGrowth = a.Double("latent-growth", recorded.PlateauLatentGrowth ?? 0),
            };
            string ckpt = folder.LatestCheckpoint() ?? throw new ArgumentException($"{dir}: no checkpoint");
            var meta = Checkpoint.ReadMeta(ckpt);
            int train = HeldOutSplit.Of(Enumerable.Range(0, meta.Particles).ToArray(), recorded.HeldOutFraction, meta.Seed, recorded.Amortized).Train.Length;
            int global = meta.BatchSize * Math.Max(1, meta.Ranks);
            int steps = (train + global - 1) / global;
            var rows = new MetricsLog(folder.Metrics).Rows;
            var corr = rows.Select(r => r["corr"]).ToList();
            var kl = rows.Select(r => r.TryGetValue("kl_latent", out var k) ? k : double.NaN).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {dir} | {corr.Count} | {steps} | {Show(StopOf(new TrainingBudget(recorded with { StopOnPlateau = true }, steps), corr, kl))} | {Show(StopOf(new TrainingBudget(asked, steps), corr, kl))} |"));
        }
        return 0;
    }

    /// <summary>The first epoch at which the rule stops the curve, or null when it runs past the recorded epochs.</summary>
    private static int? StopOf(TrainingBudget budget, List<double> corr, List<double> kl)
    {
        for (int e = 1; e <= corr.Count; e++)
            if (budget.Converged(corr.GetRange(0, e), kl.GetRange(0, e))) return e;
        return null;
    }

    private static string Show(int? e) => e is { } v ? v.ToString(CultureInfo.InvariantCulture) : "later";
}
