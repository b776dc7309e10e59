using System.IO.MemoryMappedFiles;

namespace CryoSphere.IO;

/// <summary>
/// An MRC/MRCS image stack read through a read-only memory map, one image at a time, never loaded
/// whole. Only a few windows of the file are mapped at once so resident memory stays bounded
/// however large the stack is and however randomly it is read.
/// </summary>
public sealed unsafe class MrcStack : IImageSource
{
    // Mapped pages count as our resident memory; a handful of windows bounds that to about 128 MB.
    private const long WindowBytes = 32L << 20;
    private const int MaxWindows = 4;

    private readonly MemoryMappedFile _map;
    private readonly long _imageBytes;
    private readonly int _imagesPerWindow;
    private readonly List<Window> _windows = new();
    private readonly object _gate = new();
    private long _clock;
    private bool _disposed;

    private sealed class Window
    {
        public required int Id;
        public required MemoryMappedViewAccessor View;
        public required byte* Ptr;
        public long LastUse;
    }

    /// <summary>The file's header.</summary>
    public MrcHeader Header { get; }

    /// <summary>Path of the stack file.</summary>
    public string Path { get; }

    public int Count => Header.Nz;
    public int Width => Header.Nx;
    public int Height => Header.Ny;
    public string Description => Path;

    /// <summary>Pixel size from the header (often 1 or 0 in real stacks: prefer the STAR/.cs value).</summary>
    public double PixelSize => Header.VoxelSize;

    private MrcStack(string path, MrcHeader header, MemoryMappedFile map, long windowBytes)
    {
        Path = path;
        Header = header;
        _map = map;
        _imageBytes = (long)header.Nx * header.Ny * header.BytesPerVoxel;
        _imagesPerWindow = (int)Math.Clamp(windowBytes / _imageBytes, 1, Math.Max(1, header.Nz));
    }

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="InputException"/> on a bad file.</summary>
    public static MrcStack Open(string path) => Open(path, WindowBytes);

    /// <summary>Opens with a chosen window size, so tests can exercise window eviction on small files.</summary>
    internal static MrcStack Open(string path, long windowBytes)
    {
        var header = MrcHeader.Read(path);
        MemoryMappedFile map;
        try
        {
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            map = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        }
        catch (IOException e)
        {
            throw new InputException(path, "cannot map file: " + e.Message, null, e);
        }
        return new MrcStack(path, header, map, windowBytes);
    }

    public void ReadImage(int index, Span<float> dst)
    {
        int pixels = Width * Height;
        if (dst.Length < pixels) throw new ArgumentException($"destination holds {dst.Length} floats, an image needs {pixels}", nameof(dst));
        if ((uint)index >= (uint)Count)
            throw new InputException(Path, $"image index {index} out of range: the stack has {Count} images (0..{Count - 1})");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var w = GetWindow(index / _imagesPerWindow);
            long offset = (index % _imagesPerWindow) * _imageBytes;
            var src = new ReadOnlySpan<byte>(w.Ptr + offset, checked((int)_imageBytes));
            MrcCodec.Decode(src, Header.DataMode, Header.IsBigEndian, dst[..pixels]);
        }
    }

    public void ReadImages(ReadOnlySpan<int> indices, Span<float> dst)
    {
        int pixels = Width * Height;
        if (dst.Length < (long)indices.Length * pixels)
            throw new ArgumentException($"destination holds {dst.Length} floats, {indices.Length} images need {(long)indices.Length * pixels}", nameof(dst));
        for (int k = 0; k < indices.Length; k++) ReadImage(indices[k], dst.Slice(k * pixels, pixels));
    }

    /// <summary>Reads every image into one array (for small stacks and tests).</summary>
    public float[] ReadAll()
    {
        var all = new float[(long)Count * Width * Height];
        for (int i = 0; i < Count; i++) ReadImage(i, all.AsSpan(i * Width * Height, Width * Height));
        return all;
    }

    private Window GetWindow(int id)
    {
        _clock++;
        foreach (var w in _windows)
        {
            if (w.Id != id) continue;
            w.LastUse = _clock;
            return w;
        }
        if (_windows.Count >= MaxWindows)
        {
            var oldest = _windows.MinBy(x => x.LastUse)!;
            Release(oldest);
            _windows.Remove(oldest);
        }
        long first = (long)id * _imagesPerWindow;
        long images = Math.Min(_imagesPerWindow, Count - first);
        var view = _map.CreateViewAccessor(Header.DataOffset + first * _imageBytes, images * _imageBytes, MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        var win = new Window { Id = id, View = view, Ptr = p + view.PointerOffset, LastUse = _clock };
        _windows.Add(win);
        return win;
    }

    private static void Release(Window w)
    {
        w.View.SafeMemoryMappedViewHandle.ReleasePointer();
        w.View.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var w in _windows) Release(w);
            _windows.Clear();
            _map.Dispose();
        }
    }
}
