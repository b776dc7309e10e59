using CryoSphere.Cli;

namespace CryoSphere.Tests;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = CliApp.Run(args, o, e);
        return new Result(rc, o.ToString(), e.ToString());
    }

    /// <summary>Asserts a user error: non-zero exit, one line on stderr mentioning <paramref name="mustMention"/>, no stack trace.</summary>
    public static void AssertOneLineError(Result r, string mustMention)
    {
        Assert.NotEqual(0, r.ExitCode);
        string err = r.Err.TrimEnd();
        Assert.False(string.IsNullOrWhiteSpace(err), "expected an error message on stderr");
        Assert.DoesNotContain('\n', err);
        Assert.DoesNotContain("   at ", err);
        Assert.Contains(mustMention, err, StringComparison.OrdinalIgnoreCase);
    }
}
