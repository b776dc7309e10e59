using System.Buffers.Binary;
using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class MrcErrorTests
{
    private static string GoodStack(string dir, string name = "good.mrcs")
    {
        string path = Path.Combine(dir, name);
        MrcWriter.WriteStack(path, Enumerable.Range(0, 4 * 4 * 3).Select(i => (float)i).ToArray(), 4, 4, 3, 1);
        return path;
    }

    [Fact]
    public void TruncatedFileNamesTheFileAndBothSizes()
    {
        string path = GoodStack(TestData.TempDir(), "cut.mrcs");
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(1024 + 100);
        var e = Assert.Throws<InputException>(() => MrcStack.Open(path));
        Assert.Contains("cut.mrcs", e.Message);
        Assert.Contains("truncated or corrupt", e.Message);
        Assert.Contains((1024 + 4 * 4 * 3 * 4).ToString(), e.Message);
        Assert.Contains("1124", e.Message);
    }

    [Fact]
    public void FileLongerThanHeaderSaysIsRejected()
    {
        string path = GoodStack(TestData.TempDir(), "long.mrcs");
        File.AppendAllText(path, "junk");
        var e = Assert.Throws<InputException>(() => MrcVolume.Read(path));
        Assert.Contains("long.mrcs", e.Message);
        Assert.Contains("truncated or corrupt", e.Message);
    }

    [Fact]
    public void EmptyAndTooShortFilesAreRejected()
    {
        string dir = TestData.TempDir();
        string empty = Path.Combine(dir, "empty.mrc"), tiny = Path.Combine(dir, "tiny.mrc");
        File.WriteAllBytes(empty, []);
        File.WriteAllBytes(tiny, new byte[500]);
        Assert.Contains("empty.mrc", Assert.Throws<InputException>(() => MrcStack.Open(empty)).Message);
        Assert.Contains("tiny.mrc", Assert.Throws<InputException>(() => MrcStack.Open(tiny)).Message);
    }

    [Fact]
    public void MissingFileIsAnInputError()
    {
        string path = Path.Combine(TestData.TempDir(), "nope.mrcs");
        Assert.Contains("nope.mrcs", Assert.Throws<InputException>(() => MrcStack.Open(path)).Message);
    }

    [Theory]
    [InlineData(0, -4, "dimensions")]
    [InlineData(8, -1, "dimensions")]
    [InlineData(12, 4, "mode 4")]
    [InlineData(12, 99, "mode 99")]
    public void BadHeaderWordsAreRejected(int offset, int value, string mention)
    {
        string path = GoodStack(TestData.TempDir(), "bad.mrcs");
        byte[] b = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(offset), value);
        File.WriteAllBytes(path, b);
        var e = Assert.Throws<InputException>(() => MrcStack.Open(path));
        Assert.Contains("bad.mrcs", e.Message);
        Assert.Contains(mention, e.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void IndexOutOfRangeNamesTheFile(int index)
    {
        string path = GoodStack(TestData.TempDir(), "idx.mrcs");
        using var s = MrcStack.Open(path);
        var e = Assert.Throws<InputException>(() => s.ReadImage(index, new float[16]));
        Assert.Contains("idx.mrcs", e.Message);
        Assert.Contains("out of range", e.Message);
        Assert.Throws<InputException>(() => s.ReadImages([0, index], new float[32]));
    }
}
