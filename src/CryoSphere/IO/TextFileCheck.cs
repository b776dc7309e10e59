using System.Text;

namespace CryoSphere.IO;

/// <summary>
/// Refuses files that are missing, empty, or binary (NUL bytes or invalid UTF-8 in the first KB) before a text
/// parser turns them into a confusing error.
/// </summary>
internal static class TextFileCheck
{
    public static void EnsureText(string path, string kind)
    {
        if (Directory.Exists(path)) throw new InputException(path, "is a folder, expected a file");
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        var head = new byte[1024];
        int n;
        long length;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            length = fs.Length;
            n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (length == 0) throw new InputException(path, "empty file");
        var span = head.AsSpan(0, n);
        if (span.Contains((byte)0)) throw new InputException(path, $"binary file, expected a {kind} text file");
        try
        {
            // flush: false tolerates a multi-byte character cut by the 1 KB window.
            new UTF8Encoding(false, true).GetDecoder().GetCharCount(span, flush: false);
        }
        catch (DecoderFallbackException)
        {
            throw new InputException(path, $"binary or non-UTF-8 file, expected a {kind} text file");
        }
    }
}
