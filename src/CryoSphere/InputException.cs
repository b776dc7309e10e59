namespace CryoSphere;

/// <summary>
/// A problem with something the user gave us (a file, an argument, a config key). The CLI prints
/// <see cref="Exception.Message"/> as one line and exits with code 2; anything else is a bug.
/// </summary>
public sealed class InputException : Exception
{
    /// <summary>The file at fault, or null when the problem is an argument.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line number in <see cref="FilePath"/>, when it is a text file and we know it.</summary>
    public int? Line { get; }

    public InputException(string? file, string problem, int? line = null, Exception? inner = null)
        : base(Compose(file, problem, line), inner)
    {
        FilePath = file;
        Line = line;
    }

    /// <summary>An error in an argument or option rather than in a file.</summary>
    public InputException(string problem) : this(null, problem) { }

    private static string Compose(string? file, string problem, int? line)
    {
        if (file is null) return problem;
        return line is null ? $"{file}: {problem}" : $"{file}:{line}: {problem}";
    }
}
