namespace CryoSphere.IO;

/// <summary>Reads an atomic model from PDB or mmCIF, choosing by extension or, failing that, by content.</summary>
public static class StructureReader
{
    /// <summary>The first model of <paramref name="path"/>; missing, empty or atom-less files throw <see cref="InputException"/>.</summary>
    public static AtomicModel Read(string path) => IsMmCif(path) ? MmCif.Read(path) : Pdb.Read(path);

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

    private static bool IsMmCif(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".cif" or ".mmcif") return true;
        if (ext is ".pdb" or ".ent") return false;
        TextFileCheck.EnsureText(path, "PDB or mmCIF");
        using var reader = new StreamReader(path);
        for (int i = 0; i < 2000 && reader.ReadLine() is { } line; i++)
        {
            if (line.StartsWith("data_", StringComparison.Ordinal) || line.StartsWith("_atom_site.", StringComparison.Ordinal)) return true;
            if (line.StartsWith("ATOM  ", StringComparison.Ordinal) || line.StartsWith("HETATM", StringComparison.Ordinal)
                || line.StartsWith("HEADER", StringComparison.Ordinal) || line.StartsWith("CRYST1", StringComparison.Ordinal)) return false;
        }
        return false;
    }
}
