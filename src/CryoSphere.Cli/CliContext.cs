namespace CryoSphere.Cli;

/// <summary>Where a command writes: the console normally, string writers in tests.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Err)
{
    /// <summary>True when stdout is a terminal, so progress bars make sense.</summary>
    public bool Interactive => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;
}
