namespace CryoSphere;

/// <summary>
/// Standard residue facts: which names are amino acids or nucleotides, their representative atom (CA or C1'),
/// their heavy atoms (standard composition inside a chain: OXT and the 5' OP3 excluded) and electron counts,
/// and the periodic table for atomic numbers.
/// </summary>
public static class ResidueTables
{
    private static readonly string[] ElementSymbols =
    [
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
        "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
        "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
        "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
        "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U",
    ];

    private static readonly Dictionary<string, int> AtomicNumbers = BuildAtomicNumbers();

    private const string Backbone = "N CA C O";
    private const string RiboseBackbone = "P OP1 OP2 O5' C5' C4' O4' C3' O3' C2' O2' C1'";
    private const string DeoxyBackbone = "P OP1 OP2 O5' C5' C4' O4' C3' O3' C2' C1'";
    private const string Adenine = "N9 C8 N7 C5 C6 N6 N1 C2 N3 C4";
    private const string Guanine = "N9 C8 N7 C5 C6 O6 N1 C2 N2 N3 C4";
    private const string Cytosine = "N1 C2 O2 N3 C4 N4 C5 C6";
    private const string Uracil = "N1 C2 O2 N3 C4 O4 C5 C6";
    private const string Thymine = "N1 C2 O2 N3 C4 O4 C5 C7 C6";

    /// <summary>Heavy atoms of each amino acid in a chain (OXT excluded).</summary>
    private static readonly Dictionary<string, string[]> AminoAcidAtoms = new(StringComparer.Ordinal)
    {
        ["GLY"] = Split(Backbone),
        ["ALA"] = Split(Backbone + " CB"),
        ["SER"] = Split(Backbone + " CB OG"),
        ["CYS"] = Split(Backbone + " CB SG"),
        ["SEC"] = Split(Backbone + " CB SE"),
        ["VAL"] = Split(Backbone + " CB CG1 CG2"),
        ["THR"] = Split(Backbone + " CB OG1 CG2"),
        ["LEU"] = Split(Backbone + " CB CG CD1 CD2"),
        ["ILE"] = Split(Backbone + " CB CG1 CG2 CD1"),
        ["PRO"] = Split(Backbone + " CB CG CD"),
        ["ASP"] = Split(Backbone + " CB CG OD1 OD2"),
        ["ASN"] = Split(Backbone + " CB CG OD1 ND2"),
        ["GLU"] = Split(Backbone + " CB CG CD OE1 OE2"),
        ["GLN"] = Split(Backbone + " CB CG CD OE1 NE2"),
        ["LYS"] = Split(Backbone + " CB CG CD CE NZ"),
        ["ARG"] = Split(Backbone + " CB CG CD NE CZ NH1 NH2"),
        ["HIS"] = Split(Backbone + " CB CG ND1 CD2 CE1 NE2"),
        ["PHE"] = Split(Backbone + " CB CG CD1 CD2 CE1 CE2 CZ"),
        ["TYR"] = Split(Backbone + " CB CG CD1 CD2 CE1 CE2 CZ OH"),
        ["TRP"] = Split(Backbone + " CB CG CD1 CD2 NE1 CE2 CE3 CZ2 CZ3 CH2"),
        ["MET"] = Split(Backbone + " CB CG SD CE"),
        ["MSE"] = Split(Backbone + " CB CG SE CE"),
        // Unknown residues in cryo-EM models are built as poly-alanine.
        ["UNK"] = Split(Backbone + " CB"),
    };

    /// <summary>Heavy atoms of each nucleotide in a chain (the 5' OP3 excluded).</summary>
    private static readonly Dictionary<string, string[]> NucleotideAtoms = new(StringComparer.Ordinal)
    {
        ["A"] = Split(RiboseBackbone + " " + Adenine),
        ["G"] = Split(RiboseBackbone + " " + Guanine),
        ["C"] = Split(RiboseBackbone + " " + Cytosine),
        ["U"] = Split(RiboseBackbone + " " + Uracil),
        ["DA"] = Split(DeoxyBackbone + " " + Adenine),
        ["DG"] = Split(DeoxyBackbone + " " + Guanine),
        ["DC"] = Split(DeoxyBackbone + " " + Cytosine),
        ["DT"] = Split(DeoxyBackbone + " " + Thymine),
        ["DU"] = Split(DeoxyBackbone + " " + Uracil),
    };

    /// <summary>Residue names that are modified forms and so legitimately appear as HETATM inside a chain.</summary>
    private static readonly HashSet<string> ModifiedResidues = new(StringComparer.Ordinal) { "MSE", "SEC", "UNK" };

    public static bool IsAminoAcid(string residueName) => AminoAcidAtoms.ContainsKey(residueName);

    public static bool IsNucleotide(string residueName) => NucleotideAtoms.ContainsKey(residueName);

    /// <summary>
    /// True for a residue the coarse <see cref="Structure"/> keeps: a known amino acid or nucleotide, recorded as
    /// ATOM (or as HETATM for modified residues such as MSE, which some files flag that way).
    /// </summary>
    public static bool IsPolymerResidue(string residueName, bool isHetero) =>
        (IsAminoAcid(residueName) || IsNucleotide(residueName)) && (!isHetero || ModifiedResidues.Contains(residueName));

    /// <summary><c>CA</c> for amino acids, <c>C1'</c> for nucleotides, null otherwise.</summary>
    public static string? RepresentativeAtom(string residueName) =>
        IsAminoAcid(residueName) ? "CA" : IsNucleotide(residueName) ? "C1'" : null;

    /// <summary>Standard heavy-atom names of a residue, or null for an unknown residue.</summary>
    public static IReadOnlyList<string>? HeavyAtoms(string residueName) =>
        AminoAcidAtoms.TryGetValue(residueName, out var aa) ? aa
        : NucleotideAtoms.TryGetValue(residueName, out var nt) ? nt
        : null;

    /// <summary>
    /// Electrons of the residue's standard heavy atoms (sum of atomic numbers; GLY 27, ALA 33), or null for an
    /// unknown residue.
    /// </summary>
    public static int? StandardElectronCount(string residueName)
    {
        var atoms = HeavyAtoms(residueName);
        return atoms?.Sum(a => AtomicNumber(ElementOfStandardAtom(a)));
    }

    /// <summary>Atomic number of an element symbol (any case; <c>D</c> counts as hydrogen), 0 when unknown.</summary>
    public static int AtomicNumber(string element) =>
        AtomicNumbers.TryGetValue(element.Trim().ToUpperInvariant(), out int z) ? z : 0;

    public static bool IsKnownElement(string element) => AtomicNumbers.ContainsKey(element.Trim().ToUpperInvariant());

    /// <summary>An element symbol in normal case: <c>SE</c> → <c>Se</c>.</summary>
    public static string NormalizeElement(string element)
    {
        element = element.Trim();
        if (element.Length == 0) return "";
        return char.ToUpperInvariant(element[0]) + element[1..].ToLowerInvariant();
    }

    /// <summary>True for hydrogen and deuterium, which carry no weight in the amplitudes.</summary>
    public static bool IsHydrogen(string element) => element is "H" or "D" or "h" or "d";

    /// <summary>
    /// The element of an atom from its name when the file does not say, following the PDB layout: in the
    /// 4-character name field a 1-letter element sits in column 14 (<c>" CA "</c> is carbon) and a 2-letter one
    /// starts in column 13 (<c>"CA  "</c> is calcium). Polymer residues only hold 1-letter elements (and Se), which
    /// also rescues files that left-justify every name.
    /// </summary>
    public static string InferElement(string nameField, string residueName)
    {
        string field = nameField.Length >= 4 ? nameField[..4] : nameField.PadRight(4);
        string name = field.Trim();
        if (name.Length == 0) return "";
        if (IsAminoAcid(residueName) || IsNucleotide(residueName))
        {
            if (name.StartsWith("SE", StringComparison.Ordinal)) return "Se";
            char first = name.First(char.IsLetter);
            return NormalizeElement(first.ToString());
        }
        if (field[0] == ' ' || char.IsDigit(field[0]))
        {
            char letter = field.Skip(1).FirstOrDefault(char.IsLetter);
            return letter == default ? "" : NormalizeElement(letter.ToString());
        }
        // 4-character hydrogen names (HG21) start in column 13 too.
        if (name.Length == 4 && name[0] == 'H') return "H";
        if (name.Length >= 2 && char.IsLetter(name[1]) && IsKnownElement(name[..2])) return NormalizeElement(name[..2]);
        return NormalizeElement(name[0].ToString());
    }

    private static string ElementOfStandardAtom(string atomName) =>
        atomName.StartsWith("SE", StringComparison.Ordinal) ? "Se" : atomName[..1];

    private static string[] Split(string names) => names.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static Dictionary<string, int> BuildAtomicNumbers()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ElementSymbols.Length; i++) d[ElementSymbols[i].ToUpperInvariant()] = i + 1;
        d["D"] = 1;
        return d;
    }
}
