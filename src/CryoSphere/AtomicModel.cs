namespace CryoSphere;

/// <summary>
/// One model of an atomic structure as read from PDB or mmCIF: chains in file order, each with residues in file
/// order, each with atoms. Hetero residues (ligands, waters, ions) are kept and flagged by
/// <see cref="Residue.IsHetero"/>. Mutable so callers can edit coordinates or B-factors before writing.
/// </summary>
public sealed class AtomicModel
{
    /// <summary>Chains in order of first appearance.</summary>
    public List<Chain> Chains { get; } = [];

    /// <summary>The file this model came from (for error messages), or null when built in memory.</summary>
    public string? SourcePath { get; set; }

    public int AtomCount => Chains.Sum(c => c.Residues.Sum(r => r.Atoms.Count));

    public IEnumerable<Residue> Residues => Chains.SelectMany(c => c.Residues);

    public IEnumerable<Atom> Atoms => Residues.SelectMany(r => r.Atoms);

    /// <summary>The chain named <paramref name="id"/>, or null.</summary>
    public Chain? FindChain(string id) => Chains.FirstOrDefault(c => c.Id == id);

    /// <summary>The chain named <paramref name="id"/>, created at the end when missing.</summary>
    public Chain GetOrAddChain(string id)
    {
        var chain = FindChain(id);
        if (chain is null)
        {
            chain = new Chain(id);
            Chains.Add(chain);
        }
        return chain;
    }
}
