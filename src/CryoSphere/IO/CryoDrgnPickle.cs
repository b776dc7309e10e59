using System.Collections;
using CryoSphere.Data;
using Razorvine.Pickle;

namespace CryoSphere.IO;

/// <summary>
/// cryoDRGN poses as stored: <see cref="Rotations"/> Count×9 (row-major 3×3),
/// <see cref="Translations"/> Count×2 in fractions of the box (zeros when the file has none).
/// </summary>
public sealed record CryoDrgnPoses(double[] Rotations, double[] Translations, int Count);

/// <summary>cryoDRGN CTF table: Count×9 rows of D, apix, dfU Å, dfV Å, dfAngle °, kV, Cs mm, w, phase °.</summary>
public sealed record CryoDrgnCtf(double[] Rows, int Count);

/// <summary>Reads cryoDRGN's NumPy pickles (poses, CTF) without Python.</summary>
public static class CryoDrgnPickle
{
    /// <summary>Reads a pose pickle: the tuple (rot[n,3,3], trans[n,2]), or a bare rot array.</summary>
    public static CryoDrgnPoses ReadPoses(string path)
    {
        object o = Load(path);
        NpyArray rot;
        NpyArray? trans = null;
        if (o is NpyArray a) rot = a;
        else if (o is object[] t && t.Length is 1 or 2 && t[0] is NpyArray r)
        {
            rot = r;
            if (t.Length == 2) trans = t[1] as NpyArray ?? throw new InputException(path, "second item of the pose tuple is not an array");
        }
        else throw new InputException(path, "is not a cryoDRGN pose pickle (expected a tuple (rotations, translations))");
        if (rot.Shape.Length != 3 || rot.Shape[1] != 3 || rot.Shape[2] != 3)
            throw new InputException(path, $"rotations have shape ({string.Join(",", rot.Shape)}), expected (n,3,3)");
        int n = checked((int)rot.Shape[0]);
        double[] tr = new double[2L * n];
        if (trans is not null)
        {
            if (trans.Shape.Length != 2 || trans.Shape[0] != n || trans.Shape[1] != 2)
                throw new InputException(path, $"translations have shape ({string.Join(",", trans.Shape)}), expected ({n},2)");
            tr = trans.ToDoubles();
        }
        double[] rv = rot.ToDoubles();
        Finite(path, rv, 9, "rotation", ctf: false);
        Finite(path, tr, 2, "translation", ctf: false);
        return new CryoDrgnPoses(rv, tr, n);
    }

    private static readonly string[] CtfColumns = ["D", "Apix", "DefocusU", "DefocusV", "DefocusAngle", "Voltage", "Cs", "AmpContrast", "PhaseShift"];

    /// <summary>Refuses NaN and infinities, naming the row (and CTF column), so damage stops the run at open time.</summary>
    private static void Finite(string path, double[] v, int width, string what, bool ctf)
    {
        for (int k = 0; k < v.Length; k++)
            if (!double.IsFinite(v[k]))
                throw new InputException(path, ctf
                    ? $"row {k / 9 + 1}, column {k % 9} ({CtfColumns[k % 9]}): {v[k]} is not a finite number"
                    : $"{what} {k / width + 1}: {v[k]} is not a finite number");
    }

    /// <summary>True when the pickle's top-level object is a tuple (a pose file) rather than one array (a CTF file).</summary>
    public static bool LooksLikePoses(string path) => Load(path) is object[] or NpyArray { Shape.Length: 3 };

    /// <summary>Reads a CTF pickle: an [n,9] array.</summary>
    public static CryoDrgnCtf ReadCtf(string path)
    {
        if (Load(path) is not NpyArray a) throw new InputException(path, "is not a cryoDRGN CTF pickle (expected one array)");
        if (a.Shape.Length != 2 || a.Shape[1] != 9)
            throw new InputException(path, $"CTF array has shape ({string.Join(",", a.Shape)}), expected (n,9)");
        double[] rows = a.ToDoubles();
        Finite(path, rows, 9, "row", ctf: true);
        for (int i = 0; i < rows.Length / 9; i++)
        {
            // D, Apix and voltage divide or scale everything downstream; 0 there is damage, not a setting.
            foreach (int c in new[] { 0, 1, 5 })
                if (!(rows[9 * i + c] > 0))
                    throw new InputException(path, $"row {i + 1}, column {c} ({CtfColumns[c]}): {rows[9 * i + c]} must be positive");
            if (rows[9 * i + 7] is < 0 or > 1)
                throw new InputException(path, $"row {i + 1}, column 7 (AmpContrast): {rows[9 * i + 7]} must be between 0 and 1");
        }
        return new CryoDrgnCtf(rows, checked((int)a.Shape[0]));
    }

    /// <summary>One 9-number CTF row as <see cref="CtfParameters"/> (D and apix are dropped).</summary>
    public static CtfParameters ToCtfParameters(ReadOnlySpan<double> row)
    {
        if (row.Length < 9) throw new ArgumentException($"a cryoDRGN CTF row has 9 numbers, got {row.Length}", nameof(row));
        return new CtfParameters(row[2], row[3], row[4], row[5], row[6], row[7], row[8]);
    }

    /// <summary>Unpickles <paramref name="path"/>; NumPy arrays come back as <see cref="NpyArray"/>, tuples as object[].</summary>
    public static object Load(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        NumpyPickleConstructors.EnsureRegistered();
        object? result;
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length == 0) throw new InputException(path, "empty file, not a pickle");
            using var u = new Unpickler();
            result = Unwrap(u.loads(bytes));
        }
        catch (InputException) { throw; }
        // What a damaged or foreign pickle makes the unpickler throw; anything else (a NullReferenceException in
        // our constructors, say) is a bug and must not be reported as the user's bad file.
        catch (Exception e) when (e is PickleException or EndOfStreamException or InvalidDataException or InvalidCastException
            or FormatException or OverflowException or ArgumentException or KeyNotFoundException or IOException
            or IndexOutOfRangeException) // Razorvine reads past the end of a truncated buffer
        {
            string why = e.InnerException?.InnerException?.Message ?? e.InnerException?.Message ?? e.Message;
            throw new InputException(path, "not a readable NumPy pickle: " + why, null, e);
        }
        return result ?? throw new InputException(path, "pickle holds None");
    }

    private static object? Unwrap(object? o) => o switch
    {
        PickledNdArray p => p.Array ?? throw new PickleException("ndarray without state"),
        object[] t => t.Select(Unwrap).ToArray(),
        IList l when o is not byte[] => l.Cast<object?>().Select(Unwrap).ToArray(),
        _ => o,
    };
}
