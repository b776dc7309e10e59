using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CryoSphere.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1–3): plain arrays of any numeric
/// dtype and byte order, and 1-D structured arrays (cryoSPARC <c>.cs</c>). C order only.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private sealed record Header(object? Descr, long[] Shape, int DataStart);

    /// <summary>Reads a plain (non-structured) array.</summary>
    public static NpyArray Read(string path)
    {
        byte[] bytes = ReadBytes(path);
        var h = ParseHeader(bytes, path);
        if (h.Descr is not string descr)
            throw new InputException(path, "holds a structured array (a table of records), not a plain array");
        var dt = NpyDType.Parse(descr, path);
        if (!dt.IsNumeric) throw new InputException(path, $"dtype {descr} is not numeric");
        long n = NpyArray.ElementCount(h.Shape);
        long need = n * dt.Size;
        long have = bytes.LongLength - h.DataStart;
        if (have != need)
            throw new InputException(path, $"truncated or corrupt: header says {need} bytes of data, file has {have}");
        return new NpyArray(h.Shape, dt, bytes.AsSpan(h.DataStart).ToArray());
    }

    /// <summary>Reads a 1-D structured array.</summary>
    public static NpyRecords ReadRecords(string path)
    {
        byte[] bytes = ReadBytes(path);
        var h = ParseHeader(bytes, path);
        if (h.Descr is not List<object?> list)
            throw new InputException(path, "holds a plain array, not a structured array of records");
        if (h.Shape.Length != 1) throw new InputException(path, $"structured array has {h.Shape.Length} dimensions, expected 1");
        var fields = new List<NpyField>();
        int offset = 0;
        foreach (var item in list)
        {
            if (item is not object?[] t || t.Length is < 2 or > 3 || t[0] is not string name)
                throw new InputException(path, "bad structured dtype entry (expected (name, dtype[, shape]))");
            if (t[1] is not string fd)
                throw new InputException(path, $"field '{name}' has a nested dtype, which is not supported");
            var dt = NpyDType.Parse(fd, path);
            int[] shape = t.Length == 3 ? ShapeOf(t[2], path).Select(d => checked((int)d)).ToArray() : [];
            var f = new NpyField(name, dt, shape, offset);
            offset = checked(offset + dt.Size * f.Width);
            // Unnamed void fields are alignment padding.
            if (!(name.Length == 0 && dt.Kind == 'V')) fields.Add(f);
        }
        long count = h.Shape[0];
        long need = count * offset;
        long have = bytes.LongLength - h.DataStart;
        if (have != need)
            throw new InputException(path, $"truncated or corrupt: header says {count} records of {offset} bytes ({need} bytes), file has {have}");
        return new NpyRecords(path, bytes, h.DataStart, checked((int)count), offset, fields);
    }

    private static byte[] ReadBytes(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        return File.ReadAllBytes(path);
    }

    private static Header ParseHeader(byte[] b, string path)
    {
        if (b.Length < 10 || !b.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InputException(path, b.Length == 0 ? "empty file, not a .npy file" : "not a .npy file (no \\x93NUMPY magic)");
        int major = b[6];
        int len, start;
        if (major == 1) { len = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)); start = 10; }
        else if (major is 2 or 3)
        {
            if (b.Length < 12) throw new InputException(path, "truncated .npy header");
            long l = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
            if (l > int.MaxValue) throw new InputException(path, "absurd .npy header length");
            len = (int)l;
            start = 12;
        }
        else throw new InputException(path, $"unsupported .npy format version {major}.{b[7]}");
        if ((long)start + len > b.Length) throw new InputException(path, "truncated .npy header");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(b, start, len);
        if (NpyHeaderParser.Parse(text.Trim(), path) is not Dictionary<string, object?> d)
            throw new InputException(path, ".npy header is not a dict");
        if (!d.TryGetValue("descr", out var descr) || !d.TryGetValue("shape", out var shapeObj))
            throw new InputException(path, ".npy header lacks 'descr' or 'shape'");
        if (d.TryGetValue("fortran_order", out var fo) && fo is true)
            throw new InputException(path, "array is stored in Fortran order, which is not supported (save it with C order)");
        return new Header(descr, ShapeOf(shapeObj, path), start + len);
    }

    private static long[] ShapeOf(object? o, string path)
    {
        if (o is long single) return single >= 0 ? [single] : throw new InputException(path, "negative dimension in shape");
        if (o is not object?[] t) throw new InputException(path, "shape is not a tuple");
        var r = new long[t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] is not long v || v < 0) throw new InputException(path, "shape holds a non-integer or negative dimension");
            r[i] = v;
        }
        return r;
    }

    /// <summary>Writes a float32 array of the given shape.</summary>
    public static void Write(string path, float[] data, params long[] shape) => Write(path, NpyArray.From(data, shape));

    /// <summary>Writes a float64 array of the given shape.</summary>
    public static void Write(string path, double[] data, params long[] shape) => Write(path, NpyArray.From(data, shape));

    /// <summary>Writes an int32 array of the given shape.</summary>
    public static void Write(string path, int[] data, params long[] shape) => Write(path, NpyArray.From(data, shape));

    /// <summary>Writes an int64 array of the given shape.</summary>
    public static void Write(string path, long[] data, params long[] shape) => Write(path, NpyArray.From(data, shape));

    /// <summary>Writes any array (its dtype and byte order kept) atomically, format 1.0 (2.0 for huge headers).</summary>
    public static void Write(string path, NpyArray array)
    {
        string shape = array.Shape.Length == 1
            ? $"({array.Shape[0].ToString(CultureInfo.InvariantCulture)},)"
            : "(" + string.Join(", ", array.Shape.Select(x => x.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{array.DType}', 'fortran_order': False, 'shape': {shape}, }}";
        int pre = dict.Length + 1 > ushort.MaxValue - 64 ? 12 : 10;
        int total = (pre + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - pre - 1) + "\n";
        AtomicFile.Write(path, s =>
        {
            var p = new byte[pre];
            Magic.CopyTo(p, 0);
            p[6] = (byte)(pre == 10 ? 1 : 2);
            p[7] = 0;
            if (pre == 10) BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(8), (ushort)header.Length);
            else BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(8), (uint)header.Length);
            s.Write(p);
            s.Write(Encoding.Latin1.GetBytes(header));
            s.Write(array.Raw);
        });
    }
}
