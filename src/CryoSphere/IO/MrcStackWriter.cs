namespace CryoSphere.IO;

/// <summary>
/// Streams an image stack to disk chunk by chunk without holding it. Data go to a temporary file
/// beside the target; <see cref="Complete"/> rewrites the header (count, statistics) and renames it
/// into place, and disposing without completing deletes it, so no half-written stack is left.
/// </summary>
public sealed class MrcStackWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tmp;
    private readonly MrcWriteOptions _options;
    private readonly int _pixels;
    private FileStream? _stream;
    private MrcStats _stats;
    private float[] _q = [];
    private byte[] _bytes = [];
    private long _images;

    /// <summary>Images written so far.</summary>
    public long Count => _images;

    /// <summary>Starts a stack of <paramref name="nx"/>×<paramref name="ny"/> images.</summary>
    public MrcStackWriter(string path, int nx, int ny, double pixelSize, MrcMode mode = MrcMode.Float32, string label = "CryoSphere")
    {
        _options = new MrcWriteOptions(nx, ny, 0, pixelSize, IsStack: true, Mode: mode, Label: label);
        _options.Validate();
        _pixels = nx * ny;
        _path = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(_path) ?? ".";
        Directory.CreateDirectory(dir);
        _tmp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(_tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _stream.Write(new byte[MrcHeader.Size]);
    }

    /// <summary>Appends whole images (a multiple of nx·ny floats).</summary>
    public void Append(ReadOnlySpan<float> images)
    {
        var s = _stream ?? throw new ObjectDisposedException(nameof(MrcStackWriter), "the stack is already completed or disposed");
        if (images.Length % _pixels != 0)
            throw new ArgumentException($"{images.Length} floats is not a whole number of {_options.Nx}x{_options.Ny} images", nameof(images));
        int bpv = MrcCodec.BytesPerVoxel(_options.Mode);
        const int chunk = 1 << 18;
        if (_q.Length == 0) { _q = new float[chunk]; _bytes = new byte[chunk * bpv]; }
        for (int done = 0; done < images.Length;)
        {
            int count = Math.Min(chunk, images.Length - done);
            var src = images.Slice(done, count);
            var q = _q.AsSpan(0, count);
            for (int i = 0; i < count; i++) q[i] = MrcCodec.Quantize(src[i], _options.Mode);
            _stats.Add(q);
            var b = _bytes.AsSpan(0, count * bpv);
            MrcCodec.Encode(q, _options.Mode, b);
            s.Write(b);
            done += count;
        }
        _images += images.Length / _pixels;
    }

    /// <summary>Finalises the header and moves the file into place.</summary>
    public void Complete()
    {
        var s = _stream ?? throw new ObjectDisposedException(nameof(MrcStackWriter), "the stack is already completed or disposed");
        if (_images > int.MaxValue) throw new InvalidOperationException($"{_images} images do not fit an MRC header");
        var hb = new byte[MrcHeader.Size];
        _options.BuildHeader((int)_images, _stats).WriteTo(hb);
        s.Seek(0, SeekOrigin.Begin);
        s.Write(hb);
        s.Flush(flushToDisk: false);
        s.Dispose();
        _stream = null;
        File.Move(_tmp, _path, overwrite: true);
    }

    public void Dispose()
    {
        if (_stream is null) return;
        _stream.Dispose();
        _stream = null;
        try { File.Delete(_tmp); } catch (IOException) { }
    }
}
