using System.Buffers.Binary;
using System.Text;
using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class NpyTests
{
    public static TheoryData<string, long[]> DTypesAndShapes()
    {
        var d = new TheoryData<string, long[]>();
        string[] dtypes = ["<f4", "<f8", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", ">f4", ">f8", ">i2", ">i4", ">i8", ">u2", ">u4", ">f2"];
        long[][] shapes = [[], [5], [2, 3], [2, 3, 4], [0, 3]];
        foreach (var t in dtypes)
            foreach (var s in shapes) d.Add(t, s);
        return d;
    }

    [Theory]
    [MemberData(nameof(DTypesAndShapes))]
    public void EveryDTypeAndShapeRoundTrips(string dtype, long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        bool unsigned = dtype[1] == 'u';
        var values = Enumerable.Range(0, (int)n).Select(i => (double)((i * 7) % 23 - (unsigned ? 0 : 11))).ToArray();
        string path = Path.Combine(TestData.TempDir(), "a.npy");
        Npy.Write(path, NpyArray.FromDoubles(dtype, shape, values));
        byte[] file = File.ReadAllBytes(path);
        int headerLen = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        Assert.Equal(0, (10 + headerLen) % 64);
        Assert.Equal('\n', (char)file[10 + headerLen - 1]);
        var back = Npy.Read(path);
        Assert.Equal(shape, back.Shape);
        Assert.Equal(dtype, back.DType.ToString());
        Assert.Equal(values, back.ToDoubles());
        Assert.Equal(values.Select(v => (long)v).ToArray(), back.ToInt64s());
        Assert.Equal(values.Select(v => (float)v).ToArray(), back.ToFloats());
    }

    [Fact]
    public void TypedWritersKeepTheirDTypeAndExactValues()
    {
        string dir = TestData.TempDir();
        Npy.Write(Path.Combine(dir, "f.npy"), new float[] { 1.5f, -2.25f, 3e-8f, 4, 5, 6 }, 2, 3);
        Npy.Write(Path.Combine(dir, "d.npy"), new double[] { Math.PI, -Math.E }, 2);
        Npy.Write(Path.Combine(dir, "i.npy"), new int[] { int.MinValue, int.MaxValue }, 2, 1);
        Npy.Write(Path.Combine(dir, "l.npy"), new long[] { long.MinValue, long.MaxValue, 0 }, 3);
        var f = Npy.Read(Path.Combine(dir, "f.npy"));
        Assert.Equal("<f4", f.DType.ToString());
        Assert.Equal(new long[] { 2, 3 }, f.Shape);
        Assert.Equal(new float[] { 1.5f, -2.25f, 3e-8f, 4, 5, 6 }, f.ToFloats());
        Assert.Equal(new[] { Math.PI, -Math.E }, Npy.Read(Path.Combine(dir, "d.npy")).ToDoubles());
        Assert.Equal(new long[] { int.MinValue, int.MaxValue }, Npy.Read(Path.Combine(dir, "i.npy")).ToInt64s());
        var l = Npy.Read(Path.Combine(dir, "l.npy"));
        Assert.Equal("<i8", l.DType.ToString());
        Assert.Equal(new long[] { long.MinValue, long.MaxValue, 0 }, l.ToInt64s());
    }

    private static byte[] NpyFile(int major, string header, byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        byte[] h = Encoding.UTF8.GetBytes(header + "\n");
        var len = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)h.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)h.Length);
        ms.Write(len);
        ms.Write(h);
        ms.Write(data);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Version2And3HeadersAreRead(int major)
    {
        string path = Path.Combine(TestData.TempDir(), "v.npy");
        var data = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(data, 7);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), -9);
        File.WriteAllBytes(path, NpyFile(major, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", data));
        Assert.Equal(new long[] { 7, -9 }, Npy.Read(path).ToInt64s());
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "Fortran")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "Python objects")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "truncated")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "bad .npy header")]
    public void BadFilesAreInputErrors(string header, string mention)
    {
        string path = Path.Combine(TestData.TempDir(), "bad.npy");
        File.WriteAllBytes(path, NpyFile(1, header, new byte[8]));
        var e = Assert.Throws<InputException>(() => Npy.Read(path));
        Assert.Contains("bad.npy", e.Message);
        Assert.Contains(mention, e.Message);
    }

    [Fact]
    public void NotNpyAndEmptyFilesAreInputErrors()
    {
        string dir = TestData.TempDir();
        File.WriteAllText(Path.Combine(dir, "x.npy"), "hello world, not numpy");
        File.WriteAllBytes(Path.Combine(dir, "e.npy"), []);
        Assert.Contains("magic", Assert.Throws<InputException>(() => Npy.Read(Path.Combine(dir, "x.npy"))).Message);
        Assert.Contains("empty", Assert.Throws<InputException>(() => Npy.Read(Path.Combine(dir, "e.npy"))).Message);
    }

    [Fact]
    public void StructuredRecordsExposeNumericSubarrayAndTextFields()
    {
        // Record: id <u8, name |S5, xy <f4 (2,), flag >i2, padding |V2  = 8+5+8+2+2 = 25 bytes.
        const int rec = 25;
        var data = new byte[2 * rec];
        for (int r = 0; r < 2; r++)
        {
            var s = data.AsSpan(r * rec, rec);
            BinaryPrimitives.WriteUInt64LittleEndian(s, ulong.MaxValue - (ulong)r);
            Encoding.ASCII.GetBytes(r == 0 ? ">ab" : "cdefg", s[8..]);
            BinaryPrimitives.WriteSingleLittleEndian(s[13..], r + 0.5f);
            BinaryPrimitives.WriteSingleLittleEndian(s[17..], -r - 0.25f);
            BinaryPrimitives.WriteInt16BigEndian(s[21..], (short)(-300 * (r + 1)));
        }
        string path = Path.Combine(TestData.TempDir(), "rec.npy");
        File.WriteAllBytes(path, NpyFile(1,
            "{'descr': [('id', '<u8'), ('name', '|S5'), ('xy', '<f4', (2,)), ('flag', '>i2'), ('', '|V2')], 'fortran_order': False, 'shape': (2,), }", data));
        var t = Npy.ReadRecords(path);
        Assert.Equal(2, t.Count);
        Assert.Equal(rec, t.ItemSize);
        Assert.Equal(new[] { "id", "name", "xy", "flag" }, t.Fields.Select(f => f.Name));
        Assert.Equal(new[] { ">ab", "cdefg" }, t.GetStrings("name"));
        Assert.Equal(new[] { 0.5, -0.25, 1.5, -1.25 }, t.GetDoubles("xy"));
        Assert.Equal(new long[] { -300, -600 }, t.GetInt64s("flag"));
        Assert.Equal(new long[] { -1, -2 }, t.GetInt64s("id"));
        Assert.Equal((double)ulong.MaxValue, t.GetDoubles("id")[0]);
        Assert.Contains("nope", Assert.Throws<InputException>(() => t.GetDoubles("nope")).Message);
        Assert.Contains("not a number", Assert.Throws<InputException>(() => t.GetDoubles("name")).Message);
        Assert.Contains("plain array", Assert.Throws<InputException>(() => Npy.ReadRecords(WritePlain())).Message);
        Assert.Contains("structured", Assert.Throws<InputException>(() => Npy.Read(path)).Message);
    }

    private static string WritePlain()
    {
        string p = Path.Combine(TestData.TempDir(), "plain.npy");
        Npy.Write(p, new float[] { 1 }, 1);
        return p;
    }
}
