using System.CommandLine;

namespace CryoSphere.Cli;

/// <summary>
/// Builds the command tree and turns user errors into one line on stderr with exit code 2.
/// </summary>
internal static class CliApp
{
    public const int UserError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var ctx = new CliContext(stdout, stderr);
        var root = new RootCommand("CryoSphere: structural heterogeneous reconstruction from cryo-EM particles.");
        foreach (var c in Commands.All(ctx)) root.Subcommands.Add(c);
        try
        {
            ParseResult parsed = root.Parse(args);
            var config = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                // Long enough for a training run to finish its batch and write a checkpoint after Ctrl-C.
                ProcessTerminationTimeout = TimeSpan.FromMinutes(2),
            };
            return parsed.InvokeAsync(config).GetAwaiter().GetResult();
        }
        catch (Exception e) when (Unwrap(e) is InputException ie)
        {
            stderr.WriteLine($"error: {OneLine(ie.Message)}");
            return UserError;
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException)
        {
            stderr.WriteLine("interrupted");
            return 130;
        }
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerException: not null } or System.Reflection.TargetInvocationException { InnerException: not null })
            e = e.InnerException!;
        return e;
    }

    private static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
