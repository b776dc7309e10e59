using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>Writes a subset of a particles file: a STAR file with all its blocks and only the chosen rows, or a cryoSPARC .cs.</summary>
public static partial class ParticleSubset
{
    /// <summary>
    /// Writes the rows <paramref name="indices"/> (0-based, file order) of <paramref name="source"/> into
    /// <paramref name="outDir"/> as selected.star or selected.cs; returns the path, or null for a format that cannot be subset.
    /// </summary>
    public static string? Write(string source, IReadOnlyList<int> indices, string outDir)
    {
        string ext = Path.GetExtension(source).ToLowerInvariant();
        if (ext == ".star")
        {
            var star = StarFile.Read(source);
            var block = star.ParticlesBlock;
            var loop = block.Loop!;
            var rows = indices.Select(i => loop.Rows[i]);
            var blocks = star.Blocks.Select(b => ReferenceEquals(b, block) ? new StarBlock(b.Name, b.Pairs, new StarTable(loop.Columns, rows)) : b);
            string p = Path.Combine(outDir, "selected.star");
            new StarFile(blocks, source).Write(p);
            return p;
        }
        if (ext == ".cs")
        {
            string p = Path.Combine(outDir, "selected.cs");
            WriteCs(source, indices, p);
            return p;
        }
        return null;
    }

    // A .cs file is a 1-D structured .npy: keep the header with a new shape, then copy the chosen records byte for byte.
    private static void WriteCs(string source, IReadOnlyList<int> indices, string path)
    {
        var records = Npy.ReadRecords(source);
        byte[] b = File.ReadAllBytes(source);
        int major = b[6];
        int start = major == 1 ? 10 : 12;
        int len = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
        var enc = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string header = enc.GetString(b, start, len).TrimEnd(' ', '\n');
        string shape = "(" + indices.Count.ToString(CultureInfo.InvariantCulture) + ",)";
        string replaced = ShapePattern().Replace(header, "'shape': " + shape, 1);
        if (replaced == header && !header.Contains("'shape': " + shape, StringComparison.Ordinal))
            throw new InputException(source, "cannot find the shape in the .npy header");
        // Pad with spaces so the data starts on a 64-byte boundary, the header ending in a newline.
        int prefix = 12;
        int total = prefix + enc.GetByteCount(replaced) + 1;
        int pad = (64 - total % 64) % 64;
        byte[] h = enc.GetBytes(replaced + new string(' ', pad) + "\n");
        int dataStart = start + len;
        AtomicFile.Write(path, s =>
        {
            var pre = new byte[prefix];
            b.AsSpan(0, 6).CopyTo(pre);
            pre[6] = (byte)Math.Max(2, major);
            pre[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(pre.AsSpan(8), (uint)h.Length);
            s.Write(pre);
            s.Write(h);
            foreach (int i in indices) s.Write(b, dataStart + i * records.ItemSize, records.ItemSize);
        });
    }

    [GeneratedRegex(@"'shape'\s*:\s*\(\s*\d+\s*,?\s*\)")]
    private static partial Regex ShapePattern();
}
