namespace CryoSphere.IO;

/// <summary>Reads an atomic model from PDB or mmCIF, choosing by extension or, failing that, by content.</summary>
public static class StructureReader
{
    /// <summary>The first model of <paramref name="path"/>; missing, empty or atom-less files throw <see cref="InputException"/>.</summary>
    public static AtomicModel Read(string path) => IsMmCif(path) ? MmCif.Read(path) : Pdb.Read(path);

    /// <summary>The coarse model of <paramref name="path"/>'s first model, keeping <paramref name="chains"/> (all when null).</summary>
    public static Structure ReadStructure(string path, IEnumerable<string>? chains = null) =>
        Structure.FromAtomicModel(Read(path), chains);

    /// <summary>Every model of <paramref name="path"/>.</summary>
    public static IReadOnlyList<AtomicModel> ReadModels(string path) => IsMmCif(path) ? MmCif.ReadModels(path) : Pdb.ReadModels(path);

    /// <summary>Writes by extension: <c>.cif</c>/<c>.mmcif</c> as mmCIF, anything else as PDB.</summary>
    public static void Write(string path, IReadOnlyList<AtomicModel> models)
    {
        if (HasCifExtension(path)) MmCif.Write(path, models);
        else Pdb.Write(path, models);
    }

    private static bool HasCifExtension(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext is ".cif" or ".mmcif";
    }

    /// <summary>
    /// mmCIF or PDB? The content decides (an mmCIF file opens with <c>data_</c> before any atom; PDB files open with
    /// record names), so a misnamed file still reads; the extension only breaks a tie.
    /// </summary>
    private static bool IsMmCif(string path)
    {
        TextFileCheck.EnsureText(path, "PDB or mmCIF");
        using (var reader = new StreamReader(path))
        {
            for (int i = 0; i < 2000 && reader.ReadLine() is { } line; i++)
            {
                if (line.StartsWith("data_", StringComparison.Ordinal) || line.StartsWith("loop_", StringComparison.Ordinal)
                    || line.StartsWith("_atom_site.", StringComparison.Ordinal)) return true;
                if (PdbRecords.Any(r => line.StartsWith(r, StringComparison.Ordinal))) return false;
            }
        }
        return HasCifExtension(path);
    }

    private static readonly string[] PdbRecords =
        ["HEADER", "TITLE ", "COMPND", "REMARK", "CRYST1", "SEQRES", "MODEL ", "ATOM  ", "HETATM", "EXPDTA", "AUTHOR"];
}
