namespace CryoSphere.IO;

/// <summary>
/// Groups atom records into chains and residues as a PDB or mmCIF reader meets them, keeping only the first
/// alternate location of each atom (blank or the first letter seen) so every residue holds one set of atoms.
/// </summary>
internal sealed class AtomicModelBuilder(string? sourcePath)
{
    private readonly AtomicModel _model = new() { SourcePath = sourcePath };
    private Residue? _current;
    private int _atoms;

    public int AtomCount => _atoms;

    public void Add(string chainId, string residueName, int seqNum, string insCode, bool isHetero, Atom atom)
    {
        var r = _current;
        bool sameKey = r is not null && r.Chain == chainId && r.SeqNum == seqNum && r.InsCode == insCode;
        if (sameKey && r!.Name != residueName && atom.AltLoc.Length > 0)
            return; // another alternate residue type at the same position (micro-heterogeneity): keep the first
        if (!sameKey || r!.Name != residueName)
        {
            r = new Residue(residueName, chainId, seqNum, insCode, isHetero);
            _model.GetOrAddChain(chainId).Residues.Add(r);
            _current = r;
        }
        if (atom.AltLoc.Length > 0 && r.FindAtom(atom.Name) is not null) return;
        r.Atoms.Add(atom);
        _atoms++;
    }

    public AtomicModel Build() => _model;
}
