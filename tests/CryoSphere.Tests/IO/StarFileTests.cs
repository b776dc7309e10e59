using System.Text;
using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class StarFileTests
{
    public static TheoryData<string> AllStarFiles() =>
    [
        "relion31.star", "relion31.v2.star", "relion5.star", "toy.star", "toy_projections.star",
        "toy_projections_dir.star", "FinalRefinement-OriginalParticles-PfCRT.star", "sta_testing_bin8.star",
    ];

    [Theory]
    [InlineData("relion31.star", 26, 5)]
    [InlineData("relion31.v2.star", 26, 5)]
    [InlineData("relion5.star", 26, 17)]
    [InlineData("toy.star", 8, 1000)]
    [InlineData("toy_projections.star", 9, 1000)]
    // PROVENANCE.md says 8 columns, but the file also carries _dummyVariable (9 column lines, 9 values per row).
    [InlineData("toy_projections_dir.star", 9, 1000)]
    [InlineData("FinalRefinement-OriginalParticles-PfCRT.star", 22, 5)]
    [InlineData("sta_testing_bin8.star", 20, 219)]
    public void ParticleTablesHaveProvenanceShape(string name, int columns, int rows)
    {
        var star = StarFile.Read(TestData.CryoDrgn(name));
        var table = star.ParticlesBlock.Loop!;
        Assert.Equal(columns, table.Columns.Count);
        Assert.Equal(rows, table.RowCount);
        Assert.All(table.Rows, r => Assert.Equal(columns, r.Length));
        Assert.True(table.HasColumn("rlnImageName"));
    }

    [Fact]
    public void Relion31OpticsGroup()
    {
        var star = StarFile.Read(TestData.CryoDrgn("relion31.star"));
        Assert.Equal(["optics", "particles"], star.Blocks.Select(b => b.Name));
        var optics = star.FindBlock("optics")!.Loop!;
        Assert.Equal(1, optics.RowCount);
        Assert.Equal(2.806, optics.GetDouble(0, "rlnImagePixelSize"));
        Assert.Equal(256, optics.GetInt(0, "_rlnImageSize"));
        Assert.Equal(300.0, optics.GetDouble(0, "rlnVoltage"));
        Assert.Equal(0.01, optics.GetDouble(0, "rlnSphericalAberration"));
        Assert.Equal(0.1, optics.GetDouble(0, "rlnAmplitudeContrast"));
        Assert.Equal("opticsGroup1", optics.GetString(0, "rlnOpticsGroupName"));
        var particles = star.ParticlesBlock;
        Assert.Equal("particles", particles.Name);
        Assert.Equal("000001@relion31.mrcs", particles.Loop!.GetString(0, "rlnImageName"));
        Assert.Equal(13108.082418, particles.Loop.GetDouble(0, "rlnDefocusU"));
        Assert.Equal("rlnCoordinateX", particles.Loop.Columns[0]);
    }

    [Fact]
    public void Relion31V2HasTheSameBlocksReversed()
    {
        var a = StarFile.Read(TestData.CryoDrgn("relion31.star"));
        var b = StarFile.Read(TestData.CryoDrgn("relion31.v2.star"));
        Assert.Equal(["particles", "optics"], b.Blocks.Select(x => x.Name));
        foreach (string name in new[] { "optics", "particles" })
            AssertSameBlock(a.FindBlock(name)!, b.FindBlock(name)!);
        Assert.Equal("particles", b.ParticlesBlock.Name);
    }

    [Fact]
    public void Relion5ZernikeVectorsStayOneValue()
    {
        var star = StarFile.Read(TestData.CryoDrgn("relion5.star"));
        var optics = star.FindBlock("data_optics")!.Loop!;
        Assert.Equal(18, optics.Columns.Count);
        Assert.Equal("[0.0680480107376,0.0982451014894,-1.79877045848,0,0,-1.36333410593]", optics.GetString(0, "rlnOddZernike"));
        Assert.StartsWith("[45.4677386628,", optics.GetString(0, "rlnEvenZernike"));
        Assert.Equal(0.89, optics.GetDouble(0, "rlnImagePixelSize"));
        Assert.Equal(448, optics.GetInt(0, "rlnImageSize"));
        Assert.Equal(1.000381, optics.GetDouble(0, "rlnMagMat11"));
    }

    [Fact]
    public void ToyDirReferencesBothStacks()
    {
        var t = StarFile.Read(TestData.CryoDrgn("toy_projections_dir.star")).ParticlesBlock.Loop!;
        Assert.Equal("000001@toy_images_b.mrcs", t.GetString(0, "rlnImageName"));
        Assert.Equal("000900@toy_images_b.mrcs", t.GetString(899, "rlnImageName"));
        Assert.Equal("000001@toy_images_a.mrcs", t.GetString(900, "rlnImageName"));
        Assert.Equal(42, t.GetInt(999, "_dummyVariable")); // every row of this file says 42
    }

    [Theory]
    [MemberData(nameof(AllStarFiles))]
    public void RoundTripIsIdentical(string name)
    {
        var original = StarFile.Read(TestData.CryoDrgn(name));
        string path = Path.Combine(TestData.TempDir(), "out.star");
        original.Write(path);
        var again = StarFile.Read(path);
        Assert.Equal(original.Blocks.Count, again.Blocks.Count);
        for (int i = 0; i < original.Blocks.Count; i++) AssertSameBlock(original.Blocks[i], again.Blocks[i]);
    }

    [Fact]
    public void SyntaxCornerCasesParse()
    {
        string text =
            "# leading comment\r\n\r\ndata_general\r\n_rlnFinalResolution 3.5  # trailing comment\r\n_rlnName 'two words'\r\n" +
            "\r\ndata_things\r\nloop_\r\n_rlnA #1\r\n_rlnB #2\r\n_rlnC #3\r\n" +
            "1 \"quoted value\" [1, 2, 3]\r\n  # a comment between rows\r\n2 it's [4,5]\r\n3 '' last";
        string path = Write(text);
        var star = StarFile.Read(path);
        Assert.Equal(["general", "things"], star.Blocks.Select(b => b.Name));
        var general = star.FindBlock("general")!;
        Assert.Null(general.Loop);
        Assert.Equal([KeyValuePair.Create("rlnFinalResolution", "3.5"), KeyValuePair.Create("rlnName", "two words")], general.Pairs);
        var t = star.FindBlock("things")!.Loop!;
        Assert.Equal(["rlnA", "rlnB", "rlnC"], t.Columns);
        Assert.Equal(3, t.RowCount);
        Assert.Equal(["1", "quoted value", "[1, 2, 3]"], t.Rows[0]);
        Assert.Equal(["2", "it's", "[4,5]"], t.Rows[1]);
        Assert.Equal(["3", "", "last"], t.Rows[2]);
        Assert.Equal(14, t.LineOf(1));
        Assert.Equal("things", star.ParticlesBlock.Name);

        string copy = Path.Combine(TestData.TempDir(), "copy.star");
        star.Write(copy);
        var again = StarFile.Read(copy);
        for (int i = 0; i < star.Blocks.Count; i++) AssertSameBlock(star.Blocks[i], again.Blocks[i]);
    }

    [Fact]
    public void WriterQuotesAwkwardValues()
    {
        string[] values = ["a b", "", "_underscore", "#hash", "'quoted'", "loop_", "data_x", "[1, 2]", "[open", "x'y \"z"];
        var table = new StarTable(["_rlnV", "rlnIndex"], values.Select((v, i) => new[] { v, i.ToString() }));
        var file = new StarFile([new StarBlock("data_awkward", [KeyValuePair.Create("_rlnKey", "with space")], table)]);
        string path = Path.Combine(TestData.TempDir(), "awkward.star");
        file.Write(path);
        var back = StarFile.Read(path).FindBlock("awkward")!;
        Assert.Equal(values, back.Loop!.Rows.Select(r => r[0]));
        Assert.True(back.TryGetPair("rlnKey", out string v));
        Assert.Equal("with space", v);
    }

    [Fact]
    public void NonNumberNamesFileLineAndColumn()
    {
        string path = Write("data_\nloop_\n_rlnDefocusU\n_rlnImageName\n100.5 1@a.mrcs\nabc 2@a.mrcs\n");
        var t = StarFile.Read(path).Blocks[0].Loop!;
        Assert.Equal(100.5, t.GetDouble(0, "rlnDefocusU"));
        var e = Assert.Throws<InputException>(() => t.GetDouble(1, "rlnDefocusU"));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(6, e.Line);
        Assert.Contains("_rlnDefocusU", e.Message);
        Assert.Contains("abc", e.Message);
        var missing = Assert.Throws<InputException>(() => t.ColumnIndex("rlnVoltage"));
        Assert.Contains("_rlnVoltage", missing.Message);
    }

    [Fact]
    public void WrongFieldCountGivesLineNumber()
    {
        string path = Write("data_p\nloop_\n_rlnA #1\n_rlnB #2\n1 2\n3\n");
        var e = Assert.Throws<InputException>(() => StarFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(6, e.Line);
        Assert.Contains("1 values", e.Message);
    }

    [Fact]
    public void EmptyFileIsRejected()
    {
        string path = Write("");
        var e = Assert.Throws<InputException>(() => StarFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void FileWithoutDataBlockIsRejected()
    {
        string path = Write("# only a comment\n\n");
        var e = Assert.Throws<InputException>(() => StarFile.Read(path));
        Assert.Contains("no data_ block", e.Message);
        Assert.Throws<InputException>(() => StarFile.Read(Write("loop_\n_rlnA\n1\n")));
    }

    [Fact]
    public void BinaryFilesAreRejected()
    {
        var e = Assert.Throws<InputException>(() => StarFile.Read(TestData.CryoDrgn("relion31.mrcs")));
        Assert.Equal(TestData.CryoDrgn("relion31.mrcs"), e.FilePath);
        Assert.Contains("binary", e.Message);
        string latin = Path.Combine(TestData.TempDir(), "bad.star");
        File.WriteAllBytes(latin, [.. Encoding.ASCII.GetBytes("data_\nloop_\n_rlnA\n"), 0xC3, 0x28, 0x0A]);
        Assert.Contains("binary", Assert.Throws<InputException>(() => StarFile.Read(latin)).Message);
    }

    [Fact]
    public void MissingFileIsRejected()
    {
        string path = Path.Combine(TestData.TempDir(), "nope.star");
        var e = Assert.Throws<InputException>(() => StarFile.Read(path));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void UnterminatedQuoteIsRejected()
    {
        var e = Assert.Throws<InputException>(() => StarFile.Read(Write("data_\nloop_\n_rlnA\n'abc\n")));
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void AmbiguousParticlesBlockIsRejected()
    {
        var star = StarFile.Read(Write("data_a\nloop_\n_rlnX\n1\ndata_b\nloop_\n_rlnY\n2\n"));
        Assert.Throws<InputException>(() => star.ParticlesBlock);
    }

    private static string Write(string text)
    {
        string path = Path.Combine(TestData.TempDir(), "t.star");
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertSameBlock(StarBlock expected, StarBlock actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Pairs, actual.Pairs);
        Assert.Equal(expected.Loop is null, actual.Loop is null);
        if (expected.Loop is null) return;
        Assert.Equal(expected.Loop.Columns, actual.Loop!.Columns);
        Assert.Equal(expected.Loop.RowCount, actual.Loop.RowCount);
        for (int r = 0; r < expected.Loop.RowCount; r++) Assert.Equal(expected.Loop.Rows[r], actual.Loop.Rows[r]);
    }
}
