using Spectre.Console;

namespace CryoSphere.Cli;

/// <summary>A Spectre.Console progress bar on a terminal; plain periodic lines when output is redirected.</summary>
internal static class ConsoleProgress
{
    public static T Run<T>(CliContext ctx, string what, int total, Func<IProgress<(int Done, int Total)>, T> work)
    {
        if (ctx.Interactive)
        {
            T result = default!;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(c =>
                {
                    var task = c.AddTask(what, maxValue: total);
                    result = work(new SyncProgress<(int Done, int Total)>(p => task.Value = p.Done));
                });
            return result;
        }
        var last = DateTime.UtcNow;
        return work(new SyncProgress<(int Done, int Total)>(p =>
        {
            if ((DateTime.UtcNow - last).TotalSeconds >= 5 || p.Done == p.Total)
            {
                last = DateTime.UtcNow;
                ctx.Out.WriteLine($"{what}: {p.Done}/{p.Total}");
            }
        }));
    }
}

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; would post to a thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
