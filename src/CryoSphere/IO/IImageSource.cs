namespace CryoSphere.IO;

/// <summary>
/// A read-only, random-access sequence of equally sized 2-D images (an MRC stack or a list of
/// stacks). Pixels are float32, x fastest, one image after another.
/// </summary>
public interface IImageSource : IDisposable
{
    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Image width in pixels (nx).</summary>
    int Width { get; }

    /// <summary>Image height in pixels (ny).</summary>
    int Height { get; }

    /// <summary>Where the images come from (a file path), for messages.</summary>
    string Description { get; }

    /// <summary>Copies image <paramref name="index"/> (0-based) into <paramref name="dst"/> (Width·Height floats).</summary>
    void ReadImage(int index, Span<float> dst);

    /// <summary>Copies the images at <paramref name="indices"/> one after another into <paramref name="dst"/>.</summary>
    void ReadImages(ReadOnlySpan<int> indices, Span<float> dst);
}
