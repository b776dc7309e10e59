namespace CryoSphere;

/// <summary>
/// A run that could not go on for a known reason that is neither bad input nor a bug: the disk filled up,
/// training diverged, another process holds the run folder. The CLI prints the message as one line and
/// exits with code 3, so scripts can tell these apart from input errors (2) and bugs (1).
/// </summary>
public sealed class RunFailedException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Key in <see cref="Exception.Data"/> under which a library call that had a run folder leaves its run.log path.</summary>
    public const string RunLogKey = "CryoSphere.RunLog";
}
