namespace CryoSphere.IO;

/// <summary>mmCIF atomic models: reads the <c>_atom_site</c> loop, writes one atomically.</summary>
public static class MmCif
{
    /// <summary>The first model (lowest-appearing <c>pdbx_PDB_model_num</c>) of <paramref name="path"/>.</summary>
    public static AtomicModel Read(string path) => MmCifReader.Read(path, firstModelOnly: true)[0];

    /// <summary>Every model of <paramref name="path"/>, in order of first appearance.</summary>
    public static IReadOnlyList<AtomicModel> ReadModels(string path) => MmCifReader.Read(path, firstModelOnly: false);

    /// <summary>Writes <paramref name="models"/> as numbered models of one <c>_atom_site</c> loop, atomically.</summary>
    public static void Write(string path, IReadOnlyList<AtomicModel> models)
    {
        ArgumentOutOfRangeException.ThrowIfZero(models.Count, nameof(models));
        AtomicFile.WriteText(path, w => MmCifWriter.Write(w, models, path));
    }

    /// <summary>Writes a single model.</summary>
    public static void Write(string path, AtomicModel model) => Write(path, [model]);
}
