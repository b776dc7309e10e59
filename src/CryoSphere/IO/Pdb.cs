namespace CryoSphere.IO;

/// <summary>PDB-format atomic models: fixed-column reading (first model, first altloc) and atomic writing.</summary>
public static class Pdb
{
    /// <summary>The first model of <paramref name="path"/>; bad content throws <see cref="InputException"/>.</summary>
    public static AtomicModel Read(string path) => PdbReader.Read(path, firstModelOnly: true)[0];

    /// <summary>Every model of <paramref name="path"/> (MODEL/ENDMDL), in file order.</summary>
    public static IReadOnlyList<AtomicModel> ReadModels(string path) => PdbReader.Read(path, firstModelOnly: false);

    /// <summary>
    /// Writes <paramref name="models"/> atomically: one model without MODEL records, several bracketed by
    /// MODEL/ENDMDL; TER after each chain's polymer; END. Throws <see cref="InputException"/> when the models
    /// exceed PDB limits (99,999 atoms, one-character chains); use <see cref="MmCif"/> then.
    /// </summary>
    public static void Write(string path, IReadOnlyList<AtomicModel> models)
    {
        ArgumentOutOfRangeException.ThrowIfZero(models.Count, nameof(models));
        AtomicFile.WriteText(path, w =>
        {
            for (int m = 0; m < models.Count; m++)
            {
                if (models.Count > 1) w.WriteLine($"MODEL     {m + 1,4}");
                PdbFormat.WriteAtoms(w, models[m], path);
                if (models.Count > 1) w.WriteLine("ENDMDL");
            }
            w.WriteLine("END");
        });
    }

    /// <summary>Writes a single model.</summary>
    public static void Write(string path, AtomicModel model) => Write(path, [model]);
}
