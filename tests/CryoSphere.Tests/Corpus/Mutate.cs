using System.Buffers.Binary;
using System.Text;
using CryoSphere.IO;

namespace CryoSphere.Tests.Corpus;

/// <summary>
/// Damages real files from shared/data in one precise way each (a value in a named STAR column or .cs
/// field, a header word, a pickle's shape), so the corpus exercises the readers on realistic inputs.
/// </summary>
public static class Mutate
{
    /// <summary>Replaces the value of <paramref name="column"/> in data row <paramref name="row"/> (0-based) of block <paramref name="block"/>.</summary>
    public static string StarValue(string text, string block, string column, int row, string value)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        int i = Array.FindIndex(lines, l => l.Trim() == "data_" + block);
        if (i < 0) throw new ArgumentException($"no block data_{block}");
        while (!lines[i].Trim().StartsWith("loop_", StringComparison.Ordinal)) i++;
        i++;
        var cols = new List<string>();
        while (lines[i].TrimStart().StartsWith('_')) cols.Add(lines[i++].Trim().Split(' ', '\t')[0]);
        int c = cols.IndexOf("_" + column);
        if (c < 0) throw new ArgumentException($"no column _{column} in data_{block}");
        while (string.IsNullOrWhiteSpace(lines[i])) i++;
        int target = i + row;
        var tokens = lines[target].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        tokens[c] = value;
        lines[target] = string.Join(' ', tokens);
        return string.Join('\n', lines);
    }

    /// <summary>Removes <paramref name="column"/> (header and values) from block <paramref name="block"/>.</summary>
    public static string StarDropColumn(string text, string block, string column)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
        int i = lines.FindIndex(l => l.Trim() == "data_" + block);
        while (!lines[i].Trim().StartsWith("loop_", StringComparison.Ordinal)) i++;
        i++;
        int first = i;
        var cols = new List<string>();
        while (lines[i].TrimStart().StartsWith('_')) cols.Add(lines[i++].Trim().Split(' ', '\t')[0]);
        int c = cols.IndexOf("_" + column);
        if (c < 0) throw new ArgumentException($"no column _{column}");
        lines.RemoveAt(first + c);
        for (int r = first + cols.Count - 1; r < lines.Count; r++)
        {
            var t = lines[r].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (t.Length != cols.Count) break;
            lines[r] = string.Join(' ', t.Where((_, k) => k != c));
        }
        return string.Join('\n', lines);
    }

    /// <summary>Writes <paramref name="value"/> into float32 field <paramref name="field"/> of record <paramref name="record"/> of a .cs/.npy file.</summary>
    public static byte[] CsFloat(string csPath, string field, int record, float value, int element = 0)
    {
        var rec = Npy.ReadRecords(csPath);
        byte[] bytes = File.ReadAllBytes(csPath);
        long dataStart = bytes.Length - (long)rec.Count * rec.ItemSize;
        var f = rec.Field(field);
        if (f.DType.ToString() is var d && !d.Contains("4", StringComparison.Ordinal)) throw new ArgumentException($"{field} is {d}, not float32");
        long at = dataStart + (long)record * rec.ItemSize + f.Offset + 4L * element;
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)at, 4), value);
        return bytes;
    }

    /// <summary>Replaces the first occurrence of <paramref name="find"/> with <paramref name="replace"/> (same length or not).</summary>
    public static byte[] Bytes(byte[] data, byte[] find, byte[] replace, int occurrence = 0)
    {
        int at = -1;
        for (int k = 0; k <= occurrence; k++)
        {
            at = data.AsSpan(at + 1).IndexOf(find) is var j && j < 0 ? throw new ArgumentException("pattern not found") : at + 1 + j;
        }
        return [.. data.AsSpan(0, at), .. replace, .. data.AsSpan(at + find.Length)];
    }

    /// <summary>Overwrites one element of the pickle's <paramref name="occurrence"/>-th binary array payload, from element <paramref name="element"/>.</summary>
    public static byte[] PickleArrayValue(byte[] pkl, int occurrence, int elementBytes, int element, byte[] value)
    {
        // Array payloads follow BINBYTES ('B' + 4-byte length) or, under 256 bytes, SHORT_BINBYTES ('C' + 1-byte
        // length), right after NumPy's "not Fortran order" flag (NEWFALSE, 0x89) in protocol 3/4 pickles.
        int seen = -1;
        for (int i = 1; i + 2 < pkl.Length; i++)
        {
            if (pkl[i - 1] != 0x89 || (pkl[i] != (byte)'B' && pkl[i] != (byte)'C')) continue;
            int head = pkl[i] == (byte)'B' ? 5 : 2;
            int len = head == 5 ? BinaryPrimitives.ReadInt32LittleEndian(pkl.AsSpan(i + 1)) : pkl[i + 1];
            if (len <= 0 || len % elementBytes != 0 || i + head + len > pkl.Length) continue;
            if (++seen < occurrence) { i += head + len - 1; continue; }
            var copy = (byte[])pkl.Clone();
            value.CopyTo(copy, i + head + element * elementBytes);
            return copy;
        }
        throw new ArgumentException("no array payload found");
    }

    public static byte[] NaN32 => BitConverter.GetBytes(float.NaN);
    public static byte[] NaN64 => BitConverter.GetBytes(double.NaN);
    public static byte[] Float32(float v) => BitConverter.GetBytes(v);

    /// <summary>Sets a 32-bit little-endian header word of an MRC file.</summary>
    public static byte[] MrcWord(byte[] mrc, int offset, int value)
    {
        var copy = (byte[])mrc.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }

    public static byte[] MrcFloat(byte[] mrc, int offset, float value)
    {
        var copy = (byte[])mrc.Clone();
        BinaryPrimitives.WriteSingleLittleEndian(copy.AsSpan(offset), value);
        return copy;
    }

    public static byte[] Truncate(byte[] data, double fraction) => data.AsSpan(0, (int)(data.Length * fraction)).ToArray();

    public static string Crlf(string text) => text.Replace("\r\n", "\n").Replace("\n", "\r\n");

    public static byte[] WithBom(string text) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];

    /// <summary>Replaces PDB fixed columns [start, start+len) of the first ATOM line for atom <paramref name="atomName"/>.</summary>
    public static string PdbColumns(string pdb, string atomName, int start, string value)
    {
        var lines = pdb.Split('\n');
        int i = Array.FindIndex(lines, l => l.StartsWith("ATOM", StringComparison.Ordinal) && l.Substring(12, 4).Trim() == atomName);
        var l = lines[i].PadRight(80).ToCharArray();
        for (int k = 0; k < value.Length; k++) l[start + k] = value[k];
        lines[i] = new string(l).TrimEnd();
        return string.Join('\n', lines);
    }
}
