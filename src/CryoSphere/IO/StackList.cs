namespace CryoSphere.IO;

/// <summary>
/// A <c>.txt</c> file listing one MRC stack per line (relative paths are relative to the list's
/// folder), presented as one logical stack in listed order. All stacks must share one image size.
/// </summary>
public sealed class StackList : IImageSource
{
    private readonly MrcStack[] _stacks;
    private readonly int[] _starts;

    public string Path { get; }
    public int Count { get; }
    public int Width { get; }
    public int Height { get; }
    public string Description => Path;

    /// <summary>The stacks, in listed order.</summary>
    public IReadOnlyList<MrcStack> Stacks => _stacks;

    private StackList(string path, MrcStack[] stacks)
    {
        Path = path;
        _stacks = stacks;
        _starts = new int[stacks.Length];
        long total = 0;
        for (int i = 0; i < stacks.Length; i++)
        {
            _starts[i] = (int)total;
            total += stacks[i].Count;
        }
        if (total > int.MaxValue) throw new InputException(path, $"lists {total} images, more than {int.MaxValue}");
        Count = (int)total;
        Width = stacks[0].Width;
        Height = stacks[0].Height;
    }

    /// <summary>Opens every stack named in <paramref name="path"/>; blank lines and <c>#</c> comments are skipped.</summary>
    public static StackList Open(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        var stacks = new List<MrcStack>();
        try
        {
            int lineNo = 0;
            foreach (string raw in File.ReadLines(path))
            {
                lineNo++;
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                string full = System.IO.Path.IsPathRooted(line) ? line : System.IO.Path.Combine(dir, line);
                if (!File.Exists(full)) throw new InputException(path, $"listed stack {full} not found", lineNo);
                var s = MrcStack.Open(full);
                stacks.Add(s);
                if (s.Width != stacks[0].Width || s.Height != stacks[0].Height)
                    throw new InputException(path,
                        $"stack {line} is {s.Width}x{s.Height} but {stacks[0].Path} is {stacks[0].Width}x{stacks[0].Height}; all stacks must share one size", lineNo);
            }
            if (stacks.Count == 0) throw new InputException(path, "lists no stacks");
            return new StackList(path, stacks.ToArray());
        }
        catch
        {
            foreach (var s in stacks) s.Dispose();
            throw;
        }
    }

    public void ReadImage(int index, Span<float> dst)
    {
        if ((uint)index >= (uint)Count)
            throw new InputException(Path, $"image index {index} out of range: the listed stacks hold {Count} images (0..{Count - 1})");
        int k = Array.BinarySearch(_starts, index);
        if (k < 0) k = ~k - 1;
        // Empty stacks share a start with the next one; skip forward to the one that holds the index.
        while (index - _starts[k] >= _stacks[k].Count) k++;
        _stacks[k].ReadImage(index - _starts[k], dst);
    }

    public void ReadImages(ReadOnlySpan<int> indices, Span<float> dst)
    {
        int pixels = Width * Height;
        if (dst.Length < (long)indices.Length * pixels)
            throw new ArgumentException($"destination holds {dst.Length} floats, {indices.Length} images need {(long)indices.Length * pixels}", nameof(dst));
        for (int i = 0; i < indices.Length; i++) ReadImage(indices[i], dst.Slice(i * pixels, pixels));
    }

    public void Dispose()
    {
        foreach (var s in _stacks) s.Dispose();
    }
}
