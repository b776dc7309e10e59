using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class StackListTests
{
    [Fact]
    public void TwoStacksReadAsOneInListedOrderWithPathsRelativeToTheList()
    {
        string dir = TestData.TempDir();
        string a = TestData.CryoDrgn("toy_images_a.mrcs"), b = TestData.CryoDrgn("toy_images_b.mrcs");
        string txt = Path.Combine(dir, "particles.txt");
        File.WriteAllLines(txt, ["# b first, like toy_projections_dir.star", Path.GetRelativePath(dir, b), "", Path.GetRelativePath(dir, a)]);
        using var list = StackList.Open(txt);
        Assert.Equal((1000, 30, 30), (list.Count, list.Width, list.Height));
        using var sa = MrcStack.Open(a);
        using var sb = MrcStack.Open(b);
        var got = new float[900];
        var want = new float[900];
        foreach (var (i, stack, j) in new[] { (0, sb, 0), (899, sb, 899), (900, sa, 0), (999, sa, 99) })
        {
            list.ReadImage(i, got);
            stack.ReadImage(j, want);
            Assert.Equal(want, got);
        }
        var batch = new float[2 * 900];
        list.ReadImages([999, 0], batch);
        sa.ReadImage(99, want);
        Assert.Equal(want, batch.AsSpan(0, 900).ToArray());
        var e = Assert.Throws<InputException>(() => list.ReadImage(1000, got));
        Assert.Contains("particles.txt", e.Message);
    }

    [Fact]
    public void StacksOfDifferentSizesAreRejected()
    {
        string dir = TestData.TempDir();
        string txt = Path.Combine(dir, "mixed.txt");
        File.WriteAllLines(txt, [TestData.CryoDrgn("toy_images_a.mrcs"), TestData.CryoDrgn("hand.5.mrcs")]);
        var e = Assert.Throws<InputException>(() => StackList.Open(txt));
        Assert.Contains("mixed.txt", e.Message);
        Assert.Contains("64x64", e.Message);
    }

    [Fact]
    public void MissingStackAndEmptyListAreRejected()
    {
        string dir = TestData.TempDir();
        string txt = Path.Combine(dir, "missing.txt");
        File.WriteAllLines(txt, ["nothere.mrcs"]);
        var e = Assert.Throws<InputException>(() => StackList.Open(txt));
        Assert.Contains("nothere.mrcs", e.Message);
        Assert.Equal(1, e.Line);
        string empty = Path.Combine(dir, "empty.txt");
        File.WriteAllText(empty, "\n# nothing\n");
        Assert.Contains("empty.txt", Assert.Throws<InputException>(() => StackList.Open(empty)).Message);
    }
}
