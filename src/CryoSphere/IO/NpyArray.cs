namespace CryoSphere.IO;

/// <summary>
/// An n-dimensional NumPy array in C order: its shape, dtype and the raw element bytes, converted to
/// .NET arrays on request.
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] _raw;

    /// <summary>Dimensions, outermost first; empty for a 0-d array.</summary>
    public long[] Shape { get; }

    /// <summary>Element type and byte order.</summary>
    public NpyDType DType { get; }

    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public long Count { get; }

    internal ReadOnlySpan<byte> Raw => _raw;

    internal NpyArray(long[] shape, NpyDType dtype, byte[] raw)
    {
        Shape = shape;
        DType = dtype;
        Count = ElementCount(shape);
        if (raw.LongLength != Count * dtype.Size)
            throw new ArgumentException($"{raw.LongLength} bytes do not hold {Count} elements of {dtype}", nameof(raw));
        _raw = raw;
    }

    internal static long ElementCount(long[] shape)
    {
        long n = 1;
        foreach (long d in shape) n = checked(n * d);
        return n;
    }

    private void RequireNumeric()
    {
        if (!DType.IsNumeric) throw new InvalidOperationException($"dtype {DType} is not numeric");
    }

    /// <summary>All elements as double.</summary>
    public double[] ToDoubles()
    {
        RequireNumeric();
        var r = new double[Count];
        int s = DType.Size;
        for (long i = 0; i < Count; i++) r[i] = DType.ReadDouble(_raw.AsSpan((int)(i * s), s));
        return r;
    }

    /// <summary>All elements as float.</summary>
    public float[] ToFloats()
    {
        RequireNumeric();
        var r = new float[Count];
        int s = DType.Size;
        for (long i = 0; i < Count; i++) r[i] = (float)DType.ReadDouble(_raw.AsSpan((int)(i * s), s));
        return r;
    }

    /// <summary>All elements as long (integer and bool dtypes; floats are rounded).</summary>
    public long[] ToInt64s()
    {
        RequireNumeric();
        var r = new long[Count];
        int s = DType.Size;
        for (long i = 0; i < Count; i++) r[i] = DType.ReadInt64(_raw.AsSpan((int)(i * s), s));
        return r;
    }

    /// <summary>An array of <paramref name="dtype"/> (e.g. <c>&lt;i2</c>) holding <paramref name="values"/>.</summary>
    public static NpyArray FromDoubles(string dtype, long[] shape, double[] values)
    {
        var dt = NpyDType.Parse(dtype, "dtype argument");
        if (!dt.IsNumeric) throw new ArgumentException($"dtype {dtype} is not numeric", nameof(dtype));
        CheckCount(shape, values.LongLength);
        var raw = new byte[values.LongLength * dt.Size];
        for (long i = 0; i < values.LongLength; i++) dt.WriteDouble(raw.AsSpan((int)(i * dt.Size), dt.Size), values[i]);
        return new NpyArray(shape, dt, raw);
    }

    /// <summary>A little-endian float32 array.</summary>
    public static NpyArray From(float[] values, params long[] shape)
    {
        CheckCount(shape, values.LongLength);
        return new NpyArray(shape, new NpyDType('f', 4, false), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>A little-endian float64 array.</summary>
    public static NpyArray From(double[] values, params long[] shape)
    {
        CheckCount(shape, values.LongLength);
        return new NpyArray(shape, new NpyDType('f', 8, false), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>A little-endian int32 array.</summary>
    public static NpyArray From(int[] values, params long[] shape)
    {
        CheckCount(shape, values.LongLength);
        return new NpyArray(shape, new NpyDType('i', 4, false), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>A little-endian int64 array.</summary>
    public static NpyArray From(long[] values, params long[] shape)
    {
        CheckCount(shape, values.LongLength);
        return new NpyArray(shape, new NpyDType('i', 8, false), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    private static void CheckCount(long[] shape, long n)
    {
        if (shape.Any(d => d < 0)) throw new ArgumentException("negative dimension in shape", nameof(shape));
        if (ElementCount(shape) != n)
            throw new ArgumentException($"shape ({string.Join(",", shape)}) needs {ElementCount(shape)} values, got {n}", nameof(shape));
    }
}
