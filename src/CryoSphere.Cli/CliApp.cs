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
            // A mistyped option is an input error like any other: one line, exit 2 (System.CommandLine would
            // print the whole help text and exit 1).
            if (parsed.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
            {
                stderr.WriteLine($"error: {OneLine(string.Join("; ", parsed.Errors.Select(e => e.Message)))} (see --help)");
                return UserError;
            }
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
        catch (Exception e) when (Unwrap(e) is RunFailedException rf)
        {
            stderr.WriteLine($"error: {OneLine(rf.Message)}");
            return RunFailed;
        }
        catch (Exception e)
        {
            return Bug(Unwrap(e), stderr);
        }
    }

    public const int RunFailed = 3;

    /// <summary>
    /// Anything else is a bug: the stack trace goes to the run's run.log when the failing call had a run
    /// folder (the console gets one line pointing there), else to stderr after the one line.
    /// </summary>
    private static int Bug(Exception e, TextWriter stderr)
    {
        string line = $"internal error ({e.GetType().Name}): {OneLine(e.Message)}";
        if (e.Data[RunFailedException.RunLogKey] is string log)
        {
            stderr.WriteLine($"{line}; details in {log}");
            return 1;
        }
        stderr.WriteLine(line + "; please report this with the stack trace below");
        stderr.WriteLine(e.ToString());
        return 1;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerException: not null } or System.Reflection.TargetInvocationException { InnerException: not null })
            e = e.InnerException!;
        return e;
    }

    private static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
