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
}
