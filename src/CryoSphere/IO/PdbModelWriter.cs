using System.Text;

namespace CryoSphere.IO;

/// <summary>
/// Streams many models into one multi-model PDB file (e.g. one structure per particle) without holding them all:
/// <see cref="WriteModel"/> repeatedly, then <see cref="Complete"/>, which renames the temporary file into place.
/// Disposing without <see cref="Complete"/> deletes the temporary file, so no partial output is ever left.
/// </summary>
public sealed class PdbModelWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tmp;
    private StreamWriter? _writer;
    private int _models;

    public PdbModelWriter(string path)
    {
        _path = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(_path) ?? ".";
        Directory.CreateDirectory(dir);
        _tmp = Path.Combine(dir, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _writer = new StreamWriter(new FileStream(_tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20),
            new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
    }

    /// <summary>Models written so far.</summary>
    public int ModelCount => _models;

    /// <summary>Appends one MODEL … ENDMDL section.</summary>
    public void WriteModel(AtomicModel model)
    {
        var w = _writer ?? throw new ObjectDisposedException(nameof(PdbModelWriter));
        _models++;
        w.WriteLine($"MODEL     {_models,4}");
        PdbFormat.WriteAtoms(w, model, _path);
        w.WriteLine("ENDMDL");
    }

    /// <summary>Writes END, closes the file and moves it to its final name.</summary>
    public void Complete()
    {
        var w = _writer ?? throw new ObjectDisposedException(nameof(PdbModelWriter));
        w.WriteLine("END");
        w.Dispose();
        _writer = null;
        File.Move(_tmp, _path, overwrite: true);
    }

    public void Dispose()
    {
        if (_writer is null) return;
        _writer.Dispose();
        _writer = null;
        try { File.Delete(_tmp); } catch (IOException) { }
    }
}
