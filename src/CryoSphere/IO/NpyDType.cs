using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CryoSphere.IO;

/// <summary>
/// A simple NumPy dtype: kind (f float, i signed, u unsigned, b bool, S bytes, U unicode,
/// V void/padding), item size in bytes and byte order.
/// </summary>
public readonly record struct NpyDType(char Kind, int Size, bool BigEndian)
{
    /// <summary>The dtype string, e.g. <c>&lt;f4</c> or <c>|S61</c>.</summary>
    public override string ToString()
    {
        char order = Size == 1 || Kind is 'S' or 'V' ? '|' : BigEndian ? '>' : '<';
        int n = Kind == 'U' ? Size / 4 : Size;
        return Kind == 'b' ? "|b1" : $"{order}{Kind}{n}";
    }

    /// <summary>True for numeric kinds that convert to double.</summary>
    public bool IsNumeric => Kind is 'f' or 'i' or 'u' or 'b';

    /// <summary>Parses a dtype string such as <c>&lt;f4</c>, <c>|u1</c>, <c>&gt;i8</c>, <c>|S9</c>, <c>?</c>.</summary>
    public static NpyDType Parse(string s, string path)
    {
        if (string.IsNullOrEmpty(s)) throw new InputException(path, "empty dtype");
        int i = 0;
        bool big = false;
        if (s[0] is '<' or '>' or '|' or '=')
        {
            big = s[0] == '>';
            i = 1;
        }
        if (i >= s.Length) throw new InputException(path, $"bad dtype '{s}'");
        char kind = s[i];
        string rest = s[(i + 1)..];
        if (kind == '?' && rest.Length == 0) return new NpyDType('b', 1, false);
        if (kind == 'O') throw new InputException(path, $"dtype '{s}' holds Python objects, which cannot be read without Python");
        if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 0)
            throw new InputException(path, $"unsupported dtype '{s}'");
        bool ok = kind switch
        {
            'f' => n is 2 or 4 or 8,
            'i' or 'u' => n is 1 or 2 or 4 or 8,
            'b' => n == 1,
            'S' or 'V' or 'a' => true,
            'U' => true,
            _ => false,
        };
        if (!ok) throw new InputException(path, $"unsupported dtype '{s}'");
        if (kind == 'a') kind = 'S';
        return new NpyDType(kind, kind == 'U' ? 4 * n : n, big);
    }

    /// <summary>Reads one numeric element as double.</summary>
    public double ReadDouble(ReadOnlySpan<byte> b) => Kind switch
    {
        'f' => Size switch
        {
            2 => (double)(BigEndian ? BinaryPrimitives.ReadHalfBigEndian(b) : BinaryPrimitives.ReadHalfLittleEndian(b)),
            4 => BigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
            _ => BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
        },
        'u' => ReadUInt64(b),
        _ => ReadInt64(b),
    };

    /// <summary>Reads one integer (or bool) element; unsigned 64-bit values above long.MaxValue wrap.</summary>
    public long ReadInt64(ReadOnlySpan<byte> b) => (Kind, Size) switch
    {
        ('b', _) => b[0] != 0 ? 1 : 0,
        ('i', 1) => (sbyte)b[0],
        ('u', 1) => b[0],
        ('i', 2) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
        ('u', 2) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('i', 4) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
        ('u', 4) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('i', 8) or ('u', 8) => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
        ('f', _) => checked((long)Math.Round(ReadDouble(b))),
        _ => throw new InvalidOperationException($"dtype {this} is not numeric"),
    };

    private double ReadUInt64(ReadOnlySpan<byte> b) =>
        Size == 8 ? (BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b)) : ReadInt64(b);

    /// <summary>Reads a fixed-width bytes (ASCII/UTF-8, NUL-padded) or UTF-32 element as a string.</summary>
    public string ReadString(ReadOnlySpan<byte> b)
    {
        if (Kind == 'U')
        {
            var sb = new StringBuilder();
            for (int k = 0; k + 4 <= b.Length; k += 4)
            {
                int cp = BigEndian ? BinaryPrimitives.ReadInt32BigEndian(b[k..]) : BinaryPrimitives.ReadInt32LittleEndian(b[k..]);
                if (cp == 0) break;
                sb.Append(char.ConvertFromUtf32(cp));
            }
            return sb.ToString();
        }
        int end = b.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? b : b[..end]);
    }

    /// <summary>Writes one numeric element; integers round to nearest.</summary>
    public void WriteDouble(Span<byte> b, double v)
    {
        switch (Kind, Size)
        {
            case ('f', 2): if (BigEndian) BinaryPrimitives.WriteHalfBigEndian(b, (Half)v); else BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v); break;
            case ('f', 4): if (BigEndian) BinaryPrimitives.WriteSingleBigEndian(b, (float)v); else BinaryPrimitives.WriteSingleLittleEndian(b, (float)v); break;
            case ('f', 8): if (BigEndian) BinaryPrimitives.WriteDoubleBigEndian(b, v); else BinaryPrimitives.WriteDoubleLittleEndian(b, v); break;
            case ('u', 8): WriteInt64(b, unchecked((long)(ulong)Math.Round(v))); break;
            default: WriteInt64(b, (long)Math.Round(v)); break;
        }
    }

    /// <summary>Writes one integer element, truncating to the item size.</summary>
    public void WriteInt64(Span<byte> b, long v)
    {
        switch (Size)
        {
            case 1: b[0] = (byte)v; break;
            case 2: if (BigEndian) BinaryPrimitives.WriteInt16BigEndian(b, (short)v); else BinaryPrimitives.WriteInt16LittleEndian(b, (short)v); break;
            case 4: if (BigEndian) BinaryPrimitives.WriteInt32BigEndian(b, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); break;
            default: if (BigEndian) BinaryPrimitives.WriteInt64BigEndian(b, v); else BinaryPrimitives.WriteInt64LittleEndian(b, v); break;
        }
    }
}
