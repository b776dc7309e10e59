using System.Collections;
using Razorvine.Pickle;

namespace CryoSphere.IO;

/// <summary>
/// Stand-ins for the NumPy callables a pickled ndarray names (<c>_reconstruct</c>, <c>dtype</c>,
/// <c>_frombuffer</c>, under both <c>numpy.core</c> and NumPy 2's <c>numpy._core</c>), so
/// Razorvine.Pickle can rebuild arrays as <see cref="NpyArray"/> without Python.
/// </summary>
internal static class NumpyPickleConstructors
{
    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>Registers the constructors once per process (Razorvine keeps them globally).</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered) return;
            foreach (var core in new[] { "numpy.core", "numpy._core" })
            {
                Unpickler.registerConstructor(core + ".multiarray", "_reconstruct", new Reconstruct());
                Unpickler.registerConstructor(core + ".numeric", "_frombuffer", new FromBuffer());
            }
            Unpickler.registerConstructor("numpy", "ndarray", new Reconstruct());
            Unpickler.registerConstructor("numpy", "dtype", new DTypeConstructor());
            _registered = true;
        }
    }

    private sealed class Reconstruct : IObjectConstructor
    {
        public object construct(object[] args) => new PickledNdArray();
    }

    private sealed class DTypeConstructor : IObjectConstructor
    {
        public object construct(object[] args) =>
            args.Length > 0 && args[0] is string s ? new PickledDType(s) : throw new PickleException("numpy.dtype() without a type string");
    }

    private sealed class FromBuffer : IObjectConstructor
    {
        // numpy _frombuffer(buf, dtype, shape, order)
        public object construct(object[] args)
        {
            if (args.Length < 3 || args[1] is not PickledDType dt) throw new PickleException("bad numpy _frombuffer arguments");
            if (args.Length > 3 && args[3] is "F") throw new PickleException("Fortran-ordered arrays are not supported");
            return new PickledNdArray { Array = PickledNdArray.Build(PickledNdArray.Shape(args[2]), dt.DType, args[0]) };
        }
    }
}

/// <summary>A pickled <c>numpy.dtype</c>; its byte order arrives later through <c>__setstate__</c>.</summary>
internal sealed class PickledDType
{
    private readonly string _type;
    private char _order = '|';

    public PickledDType(string type) => _type = type;

    public NpyDType DType
    {
        get
        {
            string t = _type.Length > 0 && _type[0] is '<' or '>' or '|' or '=' ? _type : (_order == '=' ? '<' : _order) + _type;
            return NpyDType.Parse(t, "pickled dtype");
        }
    }

    // numpy dtype state: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
    public void __setstate__(object[] state)
    {
        if (state.Length > 1 && state[1] is string o && o.Length == 1) _order = o[0];
        if (state.Length > 3 && state[3] is not null) throw new PickleException("structured dtypes are not supported in pickles");
    }
}

/// <summary>A pickled <c>numpy.ndarray</c>, filled in by <c>__setstate__</c>.</summary>
internal sealed class PickledNdArray
{
    public NpyArray? Array { get; set; }

    // ndarray state: ([version,] shape, dtype, is_fortran, rawdata)
    public void __setstate__(object[] state)
    {
        int k = state.Length == 5 ? 1 : 0;
        if (state.Length - k != 4) throw new PickleException($"unexpected ndarray state of {state.Length} items");
        var shape = Shape(state[k]);
        if (state[k + 1] is not PickledDType dt) throw new PickleException("ndarray state without a dtype");
        if (state[k + 2] is true) throw new PickleException("Fortran-ordered arrays are not supported");
        Array = Build(shape, dt.DType, state[k + 3]);
    }

    internal static long[] Shape(object? o) => o switch
    {
        object[] t => t.Select(x => Convert.ToInt64(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        int or long => [Convert.ToInt64(o, System.Globalization.CultureInfo.InvariantCulture)],
        _ => throw new PickleException("ndarray shape is not a tuple"),
    };

    internal static NpyArray Build(long[] shape, NpyDType dt, object? raw)
    {
        byte[] bytes = raw switch
        {
            byte[] b => b,
            string s => System.Text.Encoding.Latin1.GetBytes(s), // Python 2 str payloads
            _ => [],
        };
        if (raw is IList list && raw is not byte[])
        {
            var values = new double[list.Count];
            for (int i = 0; i < values.Length; i++) values[i] = Convert.ToDouble(list[i], System.Globalization.CultureInfo.InvariantCulture);
            return NpyArray.FromDoubles(dt.ToString(), shape, values);
        }
        long need = NpyArray.ElementCount(shape) * dt.Size;
        if (bytes.LongLength != need) throw new PickleException($"ndarray data has {bytes.LongLength} bytes, shape needs {need}");
        return new NpyArray(shape, dt, bytes);
    }
}
