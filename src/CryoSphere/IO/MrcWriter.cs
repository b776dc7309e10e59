namespace CryoSphere.IO;

/// <summary>Writes complete MRC2014 files (header with statistics, then voxels) atomically.</summary>
public static class MrcWriter
{
    private const int ChunkVoxels = 1 << 18;

    /// <summary>Writes a float32 volume (ispg 1), x fastest.</summary>
    public static void WriteVolume(string path, float[] data, int nx, int ny, int nz, double voxelSize,
        (double X, double Y, double Z)? origin = null) =>
        Write(path, data, new MrcWriteOptions(nx, ny, nz, voxelSize, IsStack: false, Origin: origin));

    /// <summary>Writes a float32 image stack (ispg 0) of <paramref name="nz"/> images.</summary>
    public static void WriteStack(string path, float[] data, int nx, int ny, int nz, double pixelSize) =>
        Write(path, data, new MrcWriteOptions(nx, ny, nz, pixelSize, IsStack: true));

    /// <summary>Writes <paramref name="data"/> in any supported mode; integer modes round and clamp.</summary>
    public static void Write(string path, float[] data, MrcWriteOptions options)
    {
        options.Validate();
        long n = (long)options.Nx * options.Ny * options.Nz;
        if (data.LongLength != n)
            throw new ArgumentException($"data has {data.LongLength} values, {options.Nx}x{options.Ny}x{options.Nz} needs {n}", nameof(data));
        var stats = new MrcStats();
        var q = new float[Math.Min(ChunkVoxels, n)];
        ForEachChunk(data, options.Mode, q, (chunk) => stats.Add(chunk));
        var header = options.BuildHeader(options.Nz, stats);
        AtomicFile.Write(path, s =>
        {
            var hb = new byte[MrcHeader.Size];
            header.WriteTo(hb);
            s.Write(hb);
            var bytes = new byte[q.Length * MrcCodec.BytesPerVoxel(options.Mode)];
            ForEachChunk(data, options.Mode, q, chunk =>
            {
                var b = bytes.AsSpan(0, chunk.Length * MrcCodec.BytesPerVoxel(options.Mode));
                MrcCodec.Encode(chunk, options.Mode, b);
                s.Write(b);
            });
        });
    }

    private delegate void ChunkAction(ReadOnlySpan<float> quantized);

    private static void ForEachChunk(float[] data, MrcMode mode, float[] q, ChunkAction action)
    {
        for (long done = 0; done < data.LongLength;)
        {
            int count = (int)Math.Min(q.Length, data.LongLength - done);
            var src = data.AsSpan((int)done, count);
            for (int i = 0; i < count; i++) q[i] = MrcCodec.Quantize(src[i], mode);
            action(q.AsSpan(0, count));
            done += count;
        }
    }
}
