using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace CryoSphere.IO;

/// <summary>Converts MRC voxel bytes of any supported mode to float32 and back.</summary>
internal static class MrcCodec
{
    public static bool IsSupported(int mode) => mode is 0 or 1 or 2 or 6 or 12;

    public static int BytesPerVoxel(MrcMode mode) => mode switch
    {
        MrcMode.Int8 => 1,
        MrcMode.Int16 or MrcMode.UInt16 or MrcMode.Float16 => 2,
        MrcMode.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unsupported MRC mode"),
    };

    /// <summary>Decodes <paramref name="dst"/>.Length voxels from <paramref name="src"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> src, MrcMode mode, bool bigEndian, Span<float> dst)
    {
        int n = dst.Length;
        switch (mode)
        {
            case MrcMode.Float32:
                if (!bigEndian)
                {
                    MemoryMarshal.Cast<byte, float>(src[..(4 * n)]).CopyTo(dst);
                    return;
                }
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadSingleBigEndian(src.Slice(4 * i, 4));
                return;
            case MrcMode.Int8:
                for (int i = 0; i < n; i++) dst[i] = (sbyte)src[i];
                return;
            case MrcMode.Int16:
                for (int i = 0; i < n; i++)
                {
                    var s = src.Slice(2 * i, 2);
                    dst[i] = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s);
                }
                return;
            case MrcMode.UInt16:
                for (int i = 0; i < n; i++)
                {
                    var s = src.Slice(2 * i, 2);
                    dst[i] = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
                }
                return;
            case MrcMode.Float16:
                for (int i = 0; i < n; i++)
                {
                    var s = src.Slice(2 * i, 2);
                    dst[i] = (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(s) : BinaryPrimitives.ReadHalfLittleEndian(s));
                }
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "unsupported MRC mode");
        }
    }

    /// <summary>The value that <paramref name="v"/> becomes once stored in <paramref name="mode"/>.</summary>
    public static float Quantize(float v, MrcMode mode) => mode switch
    {
        MrcMode.Float32 => v,
        MrcMode.Int8 => ClampRound(v, sbyte.MinValue, sbyte.MaxValue),
        MrcMode.Int16 => ClampRound(v, short.MinValue, short.MaxValue),
        MrcMode.UInt16 => ClampRound(v, ushort.MinValue, ushort.MaxValue),
        MrcMode.Float16 => (float)(Half)v,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unsupported MRC mode"),
    };

    private static float ClampRound(float v, float lo, float hi)
    {
        if (float.IsNaN(v)) return 0;
        return MathF.Round(Math.Clamp(v, lo, hi), MidpointRounding.AwayFromZero);
    }

    /// <summary>Encodes already-quantized values little-endian into <paramref name="dst"/>.</summary>
    public static void Encode(ReadOnlySpan<float> src, MrcMode mode, Span<byte> dst)
    {
        switch (mode)
        {
            case MrcMode.Float32:
                MemoryMarshal.AsBytes(src).CopyTo(dst);
                return;
            case MrcMode.Int8:
                for (int i = 0; i < src.Length; i++) dst[i] = (byte)(sbyte)src[i];
                return;
            case MrcMode.Int16:
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(dst.Slice(2 * i, 2), (short)src[i]);
                return;
            case MrcMode.UInt16:
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst.Slice(2 * i, 2), (ushort)src[i]);
                return;
            case MrcMode.Float16:
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(dst.Slice(2 * i, 2), (Half)src[i]);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "unsupported MRC mode");
        }
    }
}
