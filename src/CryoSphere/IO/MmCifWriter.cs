using System.Globalization;

namespace CryoSphere.IO;

/// <summary>Writes models as one mmCIF <c>_atom_site</c> loop (no atom-count or chain-name limits).</summary>
internal static class MmCifWriter
{
    private static readonly string[] Columns =
    [
        "group_PDB", "id", "type_symbol", "label_atom_id", "label_alt_id", "label_comp_id", "label_asym_id",
        "label_entity_id", "label_seq_id", "pdbx_PDB_ins_code", "Cartn_x", "Cartn_y", "Cartn_z", "occupancy",
        "B_iso_or_equiv", "pdbx_formal_charge", "auth_seq_id", "auth_comp_id", "auth_asym_id", "auth_atom_id",
        "pdbx_PDB_model_num",
    ];

    public static void Write(TextWriter w, IReadOnlyList<AtomicModel> models, string path)
    {
        string name = new(Path.GetFileNameWithoutExtension(path).Where(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.').ToArray());
        w.WriteLine("data_" + (name.Length > 0 ? name : "model"));
        w.WriteLine("#");
        w.WriteLine("loop_");
        foreach (string c in Columns) w.WriteLine("_atom_site." + c);
        int serial = 0;
        var inv = CultureInfo.InvariantCulture;
        for (int m = 0; m < models.Count; m++)
            foreach (var residue in models[m].Residues)
            {
                string comp = Value(residue.Name, "?", path), chain = Value(residue.Chain, ".", path);
                string seq = residue.SeqNum.ToString(inv);
                foreach (var atom in residue.Atoms)
                {
                    serial++;
                    string atomName = Value(atom.Name, "?", path);
                    w.WriteLine(string.Join(' ',
                        residue.IsHetero ? "HETATM" : "ATOM", serial.ToString(inv), Value(atom.Element.ToUpperInvariant(), "?", path),
                        atomName, Value(atom.AltLoc, ".", path), comp, chain, "?", residue.IsHetero ? "." : seq,
                        Value(residue.InsCode, "?", path),
                        atom.X.ToString("F3", inv), atom.Y.ToString("F3", inv), atom.Z.ToString("F3", inv),
                        atom.Occupancy.ToString("F2", inv), atom.BFactor.ToString("F2", inv),
                        atom.Charge == 0 ? "?" : atom.Charge.ToString(inv), seq, comp, chain, atomName, (m + 1).ToString(inv)));
                }
            }
        w.WriteLine("#");
    }

    /// <summary>A CIF token for <paramref name="value"/>: <paramref name="missing"/> when empty, quoted when needed.</summary>
    private static string Value(string value, string missing, string path)
    {
        if (value.Length == 0) return missing;
        if (value is "?" or ".") return "'" + value + "'";
        return StarTokenizer.Quote(value) ?? throw new InputException(path, $"value cannot be written to mmCIF: {value}");
    }
}
