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
        new SimulateBench(),
    ];

    private static int Main(string[] args)
    {
        var bench = args.Length > 0 ? Benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
        if (bench is null)
        {
            Console.Error.WriteLine(args.Length == 0 ? "usage: CryoSphere.Bench NAME [--option value]..." : $"unknown benchmark '{args[0]}'");
            foreach (var b in Benchmarks) Console.Error.WriteLine($"  {b.Name,-14} {b.Usage}");
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
