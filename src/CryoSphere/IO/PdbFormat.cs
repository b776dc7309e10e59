using System.Globalization;

namespace CryoSphere.IO;

/// <summary>
/// Fixed-column PDB record text for the writers. Anything that does not fit the format (over 99,999 atoms,
/// multi-character chain ids, long names, huge coordinates) throws <see cref="InputException"/> pointing to mmCIF.
/// </summary>
internal static class PdbFormat
{
    public const int MaxAtoms = 99_999;

    /// <summary>Writes the ATOM/HETATM/TER records of one model; serials restart at 1.</summary>
    public static void WriteAtoms(TextWriter w, AtomicModel model, string path)
    {
        int serial = 0;
        foreach (var chain in model.Chains)
        {
            if (chain.Id.Length > 1)
                throw new InputException(path, $"chain id '{chain.Id}' is longer than one character, which PDB cannot hold; write .cif instead");
            int lastPolymer = chain.Residues.FindLastIndex(r => !r.IsHetero || ResidueTables.IsPolymerResidue(r.Name, r.IsHetero));
            for (int i = 0; i < chain.Residues.Count; i++)
            {
                var residue = chain.Residues[i];
                foreach (var atom in residue.Atoms)
                {
                    serial = Next(serial, path);
                    w.WriteLine(AtomLine(serial, atom, residue, chain.Id, path));
                }
                if (i == lastPolymer)
                {
                    serial = Next(serial, path);
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"TER   {serial,5}      {residue.Name,3} {Chain(chain.Id)}{residue.SeqNum,4}{Ins(residue)}"));
                }
            }
        }
    }

    private static int Next(int serial, string path) =>
        serial < MaxAtoms ? serial + 1
        : throw new InputException(path, $"more than {MaxAtoms:N0} atoms in a model, which PDB cannot hold; write .cif instead");

    private static string AtomLine(int serial, Atom atom, Residue residue, string chain, string path)
    {
        if (residue.Name.Length > 3)
            throw new InputException(path, $"residue name '{residue.Name}' is longer than 3 characters, which PDB cannot hold; write .cif instead");
        if (residue.SeqNum is < -999 or > 9999)
            throw new InputException(path, $"residue number {residue.SeqNum} does not fit PDB columns 23-26; write .cif instead");
        if (residue.InsCode.Length > 1 || atom.AltLoc.Length > 1)
            throw new InputException(path, $"insertion code or altloc of {residue} is longer than one character; write .cif instead");
        string record = residue.IsHetero ? "HETATM" : "ATOM  ";
        return string.Create(CultureInfo.InvariantCulture,
            $"{record}{serial,5} {AtomName(atom, path)}{Pad1(atom.AltLoc)}{residue.Name,3} {Chain(chain)}{residue.SeqNum,4}{Ins(residue)}   " +
            $"{Fixed(atom.X, 8, 3, "x", path)}{Fixed(atom.Y, 8, 3, "y", path)}{Fixed(atom.Z, 8, 3, "z", path)}" +
            $"{Fixed(atom.Occupancy, 6, 2, "occupancy", path)}{Fixed(atom.BFactor, 6, 2, "B-factor", path)}          " +
            $"{atom.Element.ToUpperInvariant(),2}{ChargeText(atom.Charge)}");
    }

    /// <summary>PDB name layout: 1-letter elements start in column 14, 2-letter ones and 4-character names in column 13.</summary>
    private static string AtomName(Atom atom, string path)
    {
        string name = atom.Name;
        if (name.Length > 4) throw new InputException(path, $"atom name '{name}' is longer than 4 characters; write .cif instead");
        if (name.Length == 4 || atom.Element.Length == 2) return name.PadRight(4);
        return " " + name.PadRight(3);
    }

    private static string Fixed(double v, int width, int decimals, string what, string path)
    {
        string s = v.ToString("F" + decimals, CultureInfo.InvariantCulture);
        if (s.Length > width || !double.IsFinite(v))
            throw new InputException(path, $"{what} {s} does not fit the PDB column width {width}; write .cif instead");
        return s.PadLeft(width);
    }

    private static string ChargeText(int charge) => charge == 0 ? "  " : $"{Math.Abs(charge)}{(charge > 0 ? '+' : '-')}";

    private static char Chain(string id) => id.Length == 0 ? ' ' : id[0];

    private static char Ins(Residue r) => r.InsCode.Length == 0 ? ' ' : r.InsCode[0];

    private static char Pad1(string s) => s.Length == 0 ? ' ' : s[0];
}
