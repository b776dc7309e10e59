namespace CryoSphere.IO;

/// <summary>
/// A text file written over time (e.g. chunk by chunk) under a temporary name and renamed into place
/// only by <see cref="Commit"/>; disposing without committing deletes the temporary file.
/// </summary>
public sealed class AtomicTextWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tmp;
    private bool _done;

    public TextWriter Writer { get; }

    public AtomicTextWriter(string path)
    {
        _path = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(_path) ?? ".";
        Directory.CreateDirectory(dir);
        _tmp = Path.Combine(dir, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Writer = new StreamWriter(_tmp, false, new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
    }

    public void Commit()
    {
        Writer.Flush();
        Writer.Dispose();
        File.Move(_tmp, _path, overwrite: true);
        _done = true;
    }

    public void Dispose()
    {
        if (_done) return;
        Writer.Dispose();
        try { File.Delete(_tmp); } catch (IOException) { }
        _done = true;
    }
}
