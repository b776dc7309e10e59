using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>Writes decoded structures: PDB when the structure fits the format, mmCIF otherwise.</summary>
public static class StructureFiles
{
    /// <summary>".pdb", or ".cif" for structures PDB cannot hold (long chain ids, more than 99,999 residues).</summary>
    public static string Extension(Structure s) =>
        s.Count > 99_999 || s.ChainIds.Any(c => c.Length > 1) ? ".cif" : ".pdb";

    /// <summary>Writes <paramref name="count"/> structures (count × R × 3) as one multi-model file, streaming PDB models.</summary>
    public static void WriteModels(string path, Structure s, float[] coords, int count, float[]? bfactors)
    {
        int per = s.Count * 3;
        if (Path.GetExtension(path) == ".pdb")
        {
            using var w = new PdbModelWriter(path);
            for (int i = 0; i < count; i++) w.WriteModel(s.ToAtomicModel(coords.AsSpan(i * per, per).ToArray(), bfactors));
            w.Complete();
            return;
        }
        var models = Enumerable.Range(0, count).Select(i => s.ToAtomicModel(coords.AsSpan(i * per, per).ToArray(), bfactors)).ToList();
        StructureReader.Write(path, models);
    }

    public static void WriteOne(string path, Structure s, float[] coords, float[]? bfactors) =>
        StructureReader.Write(path, [s.ToAtomicModel(coords, bfactors)]);
}
