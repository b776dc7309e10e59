namespace CryoSphere.Bench;

/// <summary>
/// Runs one named benchmark: <c>dotnet run -c Release --project bench/CryoSphere.Bench -- NAME [--opt value]…</c>.
/// </summary>
internal static class Program
{
    // To add a benchmark: implement IBenchmark in its own file and add one line here.
    private static readonly IBenchmark[] Benchmarks =
    [
        new MrcRandomBench(),
        new LearnBench(),
        new OracleBench(),
        new PanelBench(),
        new ScoreBench(),
        new DataTermBench(),
        new ProbeBench(),
        new SimulateBench(),
        new TrainBench(),
        new DeformationBench(),
        new LoaderBench(),
        new MpiScalingBench(),
        new BackprojectMemoryBench(),
        new FitBench(),
        new PairBench(),
        new PlateauBench(),
    ];

    private static int Main(string[] args)
    {
        // The projection benchmark parses its own options.
        if (args.Length > 0 && args[0] == "projection") return ProjectionBench.Run(args[1..]);
        var bench = args.Length > 0 ? Benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
        if (bench is null)
        {
            Console.Error.WriteLine(args.Length == 0 ? "usage: CryoSphere.Bench NAME [--option value]..." : $"unknown benchmark '{args[0]}'");
            foreach (var b in Benchmarks) Console.Error.WriteLine($"  {b.Name,-14} {b.Usage}");
            Console.Error.WriteLine($"  {"projection",-14} [--iters 3 --threads 0 --npix 128 --batch 128 --residues 1500,14000 --modes Full,Truncated --apix 2.5 --sigma 2 --device auto]: forward+backward projection throughput next to a 2048² matmul");
            return 2;
        }
        try
        {
            return bench.Run(BenchArgs.Parse(args.AsSpan(1)));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{bench.Name}: {e.Message}");
            return 2;
        }
    }
}
