namespace CryoSphere.IO;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so a crash
/// or Ctrl-C never leaves a half-written output behind.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/> atomically. <paramref name="durable"/> also
    /// fsyncs the data before the rename, for files a later run depends on (checkpoints, their pointer, config,
    /// metrics): otherwise a power cut after the rename can leave the new name on an empty or partial file. Bulk
    /// outputs (per-particle structures) skip it: one fsync per file would dominate their cost.
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool durable = false)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir ?? ".", $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(fs);
                AtomicFileFaults.MaybeFail(full, fs);
                fs.Flush(flushToDisk: durable);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Writes text atomically (UTF-8, no BOM).</summary>
    public static void WriteText(string path, Action<TextWriter> write, bool durable = false)
    {
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            w.NewLine = "\n";
            write(w);
        }, durable);
    }

    /// <summary>Writes a whole string atomically.</summary>
    public static void WriteAllText(string path, string text, bool durable = false) => WriteText(path, w => w.Write(text), durable);
}
