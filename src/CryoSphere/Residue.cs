namespace CryoSphere;

/// <summary>A residue of an <see cref="AtomicModel"/>, identified by chain, sequence number and insertion code.</summary>
public sealed class Residue(string name, string chain, int seqNum, string insCode = "", bool isHetero = false)
{
    /// <summary>Residue (component) name, e.g. <c>ALA</c>, <c>DG</c>, <c>HOH</c>.</summary>
    public string Name { get; set; } = name;

    /// <summary>Id of the chain this residue belongs to.</summary>
    public string Chain { get; set; } = chain;

    /// <summary>Author residue number (PDB columns 23–26, mmCIF <c>auth_seq_id</c>).</summary>
    public int SeqNum { get; set; } = seqNum;

    /// <summary>Insertion code, empty when none.</summary>
    public string InsCode { get; set; } = insCode;

    /// <summary>True for HETATM records (ligands, waters, ions, and modified residues such as MSE).</summary>
    public bool IsHetero { get; set; } = isHetero;

    public List<Atom> Atoms { get; } = [];

    /// <summary>The first atom named <paramref name="atomName"/>, or null.</summary>
    public Atom? FindAtom(string atomName) => Atoms.FirstOrDefault(a => a.Name == atomName);

    public override string ToString() => $"{Name} {Chain}{SeqNum}{InsCode}";
}
