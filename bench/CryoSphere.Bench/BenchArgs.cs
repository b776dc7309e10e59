using System.Globalization;

namespace CryoSphere.Bench;

/// <summary><c>--name value</c> options of a benchmark.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(ReadOnlySpan<string> args)
    {
        var r = new BenchArgs();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected '--option value', got '{args[i]}'");
            r._values[args[i][2..]] = args[++i];
        }
        return r;
    }

    public double Double(string name, double fallback) =>
        _values.TryGetValue(name, out var s) ? double.Parse(s, CultureInfo.InvariantCulture) : fallback;

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    public string? String(string name) => _values.GetValueOrDefault(name);

    /// <summary>
    /// The run folder (--run) opened at --epoch (newest by default) and its simulation folder (--sim), with --threads
    /// libtorch threads (1 by default): what the benchmarks that score a run against its truth read.
    /// </summary>
    public (Analysis.TrainedRun Run, string Sim) OpenRunAndSimulation()
    {
        string run = String("run") ?? throw new ArgumentException("--run DIR is required");
        string sim = String("sim") ?? throw new ArgumentException("--sim DIR is required");
        TorchSharp.torch.set_num_threads(Int("threads", 1));
        int? epoch = String("epoch") is null ? null : Int("epoch", 0);
        return (Analysis.TrainedRun.Open(run, epoch), sim);
    }
}
