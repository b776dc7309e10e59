using System.Security.Cryptography;

namespace CryoSphere.Tests.Corpus;

/// <summary>
/// Every malformed input in <see cref="MalformedInputs"/>: exit 2, at most 3 lines naming the file and
/// field, no stack trace, the inputs unchanged and no file left behind.
/// </summary>
public class MalformedInputCorpusTests
{
    private static readonly Dictionary<string, MalformedInput> ByName = MalformedInputs.All().ToDictionary(c => c.Name);

    public static TheoryData<string> Names() => new(ByName.Keys);

    [Fact]
    public void CorpusHasAtLeastEightyCases() => Assert.True(ByName.Count >= 80, $"only {ByName.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public void MalformedInputIsAShortUserError(string name)
    {
        var c = ByName[name];
        string dir = TestData.TempDir("corpus");
        string[] args = c.Setup(dir);
        var before = Snapshot(dir);
        var r = CliRunner.Run(args);
        string err = r.Err.TrimEnd();
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {err}; stdout: {r.Out}");
        var lines = err.Split('\n');
        Assert.InRange(lines.Length, 1, 3);
        Assert.DoesNotContain("   at ", err);
        foreach (var m in c.Mentions) Assert.True(err.Contains(m, StringComparison.OrdinalIgnoreCase), $"'{m}' not in: {err}");
        Assert.Equal(before, Snapshot(dir));
    }

    /// <summary>Every file under <paramref name="dir"/> with its hash, so an input changed or an output left behind shows.</summary>
    private static string Snapshot(string dir) =>
        string.Join("\n", Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{Path.GetRelativePath(dir, p)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}" : Path.GetRelativePath(dir, p) + "/"));
}
