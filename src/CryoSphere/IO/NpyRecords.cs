namespace CryoSphere.IO;

/// <summary>One field of a structured NumPy record: name, element dtype, sub-array shape, byte offset.</summary>
public sealed record NpyField(string Name, NpyDType DType, int[] Shape, int Offset)
{
    /// <summary>Elements per record (product of <see cref="Shape"/>; 1 for a scalar field).</summary>
    public int Width => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>A 1-D structured NumPy array (a table of fixed-size records), as in cryoSPARC <c>.cs</c> files.</summary>
public sealed class NpyRecords
{
    private readonly byte[] _data;
    private readonly int _start;
    private readonly Dictionary<string, NpyField> _byName;

    /// <summary>The file the records came from, for messages.</summary>
    public string Path { get; }

    /// <summary>Number of records.</summary>
    public int Count { get; }

    /// <summary>Bytes per record.</summary>
    public int ItemSize { get; }

    /// <summary>Named fields in file order (padding fields left out).</summary>
    public IReadOnlyList<NpyField> Fields { get; }

    internal NpyRecords(string path, byte[] data, int start, int count, int itemSize, List<NpyField> fields)
    {
        Path = path;
        _data = data;
        _start = start;
        Count = count;
        ItemSize = itemSize;
        Fields = fields;
        _byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    /// <summary>True when a field of that exact name exists.</summary>
    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>The field, or <see cref="InputException"/> naming the file when absent.</summary>
    public NpyField Field(string name) =>
        _byName.TryGetValue(name, out var f) ? f : throw new InputException(Path, $"has no field '{name}'");

    private ReadOnlySpan<byte> Element(NpyField f, int record, int k) =>
        _data.AsSpan(_start + record * ItemSize + f.Offset + k * f.DType.Size, f.DType.Size);

    private NpyField Numeric(string name)
    {
        var f = Field(name);
        if (!f.DType.IsNumeric) throw new InputException(Path, $"field '{name}' has dtype {f.DType}, not a number");
        return f;
    }

    /// <summary>Values of a numeric field, record-major: Count × Width.</summary>
    public double[] GetDoubles(string name)
    {
        var f = Numeric(name);
        int w = f.Width;
        var r = new double[(long)Count * w];
        for (int i = 0; i < Count; i++)
            for (int k = 0; k < w; k++) r[(long)i * w + k] = f.DType.ReadDouble(Element(f, i, k));
        return r;
    }

    /// <summary>Values of an integer field, record-major (unsigned 64-bit values above long.MaxValue wrap).</summary>
    public long[] GetInt64s(string name)
    {
        var f = Numeric(name);
        int w = f.Width;
        var r = new long[(long)Count * w];
        for (int i = 0; i < Count; i++)
            for (int k = 0; k < w; k++) r[(long)i * w + k] = f.DType.ReadInt64(Element(f, i, k));
        return r;
    }

    /// <summary>Values of a bytes (<c>S</c>) or unicode (<c>U</c>) field, NUL padding removed.</summary>
    public string[] GetStrings(string name)
    {
        var f = Field(name);
        if (f.DType.Kind is not ('S' or 'U')) throw new InputException(Path, $"field '{name}' has dtype {f.DType}, not text");
        int w = f.Width;
        var r = new string[(long)Count * w];
        for (int i = 0; i < Count; i++)
            for (int k = 0; k < w; k++) r[(long)i * w + k] = f.DType.ReadString(Element(f, i, k));
        return r;
    }
}
