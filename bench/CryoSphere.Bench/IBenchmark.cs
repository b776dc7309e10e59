namespace CryoSphere.Bench;

/// <summary>One benchmark the dispatcher in <see cref="Program"/> can run by name.</summary>
internal interface IBenchmark
{
    /// <summary>Name given on the command line, e.g. <c>mrc-random</c>.</summary>
    string Name { get; }

    /// <summary>One line: options and what is measured.</summary>
    string Usage { get; }

    /// <summary>Runs and prints results; returns the process exit code (non-zero when a limit is missed).</summary>
    int Run(BenchArgs args);
}
