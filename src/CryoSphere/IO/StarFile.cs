namespace CryoSphere.IO;

/// <summary>
/// A RELION STAR file: its <c>data_</c> blocks in file order. Read with <see cref="Read"/>, write with
/// <see cref="Write"/> (atomic; reads back to the same blocks, columns and values).
/// </summary>
public sealed class StarFile
{
    /// <summary>Blocks in file order.</summary>
    public IReadOnlyList<StarBlock> Blocks { get; }

    /// <summary>The file this was read from, or null when built in memory.</summary>
    public string? SourcePath { get; }

    public StarFile(IEnumerable<StarBlock> blocks, string? sourcePath = null)
    {
        Blocks = blocks.ToArray();
        SourcePath = sourcePath;
    }

    /// <summary>Parses <paramref name="path"/>; any malformed content throws <see cref="InputException"/>.</summary>
    public static StarFile Read(string path) => StarReader.Read(path);

    /// <summary>Writes this file to <paramref name="path"/> through a temporary file and a rename.</summary>
    public void Write(string path) => AtomicFile.WriteText(path, w => StarWriter.Write(this, w, path));

    /// <summary>The block named <paramref name="name"/> (with or without <c>data_</c>), or null.</summary>
    public StarBlock? FindBlock(string name)
    {
        if (name.StartsWith("data_", StringComparison.Ordinal)) name = name[5..];
        return Blocks.FirstOrDefault(b => b.Name == name);
    }

    /// <summary>
    /// The per-particle block: the one whose table has <c>rlnImageName</c>, else the block named
    /// <c>particles</c>, else the only block with a table. Throws <see cref="InputException"/> when none fits.
    /// </summary>
    public StarBlock ParticlesBlock
    {
        get
        {
            var withImages = Blocks.FirstOrDefault(b => b.Loop?.HasColumn("rlnImageName") == true);
            if (withImages is not null) return withImages;
            var named = FindBlock("particles");
            if (named?.Loop is not null) return named;
            var loops = Blocks.Where(b => b.Loop is not null).ToArray();
            if (loops.Length == 1) return loops[0];
            throw new InputException(SourcePath, loops.Length == 0
                ? "no loop_ table of particles"
                : "cannot tell which block holds the particles (no _rlnImageName column and no data_particles block)");
        }
    }
}
