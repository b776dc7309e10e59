namespace CryoSphere.Tests;

/// <summary>Locates ../shared/data (CI has it beside the clone) and makes scratch folders.</summary>
public static class TestData
{
    private static readonly Lazy<string> SharedData = new(Find);

    /// <summary>Absolute path of shared/data.</summary>
    public static string Root => SharedData.Value;

    public static string CryoDrgn(string name) => Path.Combine(Root, "cryodrgn", name);

    public static string Structure(string name) => Path.Combine(Root, "structures", name);

    private static string Find()
    {
        string? env = Environment.GetEnvironmentVariable("CRYOSPHERE_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "PROVENANCE.md"))) return candidate;
        }
        throw new DirectoryNotFoundException("shared/data not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A new empty folder under the system temp folder.</summary>
    public static string TempDir(string prefix = "cs")
    {
        string p = Path.Combine(Path.GetTempPath(), "cryosphere-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(p);
        return p;
    }
}
