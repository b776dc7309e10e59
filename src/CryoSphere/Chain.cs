namespace CryoSphere;

/// <summary>A chain of an <see cref="AtomicModel"/> (PDB chain id / mmCIF <c>auth_asym_id</c>).</summary>
public sealed class Chain(string id)
{
    public string Id { get; set; } = id;

    /// <summary>Residues in file order, polymer and hetero alike.</summary>
    public List<Residue> Residues { get; } = [];
}
