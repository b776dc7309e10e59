namespace CryoSphere;

/// <summary>
/// The coarse model the renderer uses: one entry per polymer residue (amino acids at their CA, nucleotides at
/// C1'), chains and residues in file order. <see cref="Amplitudes"/> holds each residue's electrons: the sum of the
/// atomic numbers of its heavy atoms, or the standard count for its type when only the representative atom is
/// present (CA-only files). Waters, ions and ligands are dropped.
/// </summary>
public sealed class Structure
{
    private readonly bool[] _isNucleotide;

    public string[] ChainIds { get; }
    public int[] ResidueNumbers { get; }

    /// <summary>Insertion codes, empty string when none.</summary>
    public string[] InsertionCodes { get; }
    public string[] ResidueNames { get; }

    /// <summary>Representative-atom positions, x,y,z per residue (length 3·<see cref="Count"/>), Å.</summary>
    public float[] Coordinates { get; }

    /// <summary>Electrons per residue (sum of heavy-atom atomic numbers).</summary>
    public float[] Amplitudes { get; }

    /// <summary>Residues skipped while building (e.g. missing their CA), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>True when residue <paramref name="i"/> is a nucleotide (represented by C1'), false for an amino acid (Cα).</summary>
    public bool IsNucleotide(int i) => _isNucleotide[i];

    /// <summary>Number of residues.</summary>
    public int Count => ResidueNames.Length;

    private Structure(string[] chains, int[] numbers, string[] insCodes, string[] names, bool[] isNucleotide,
        float[] coordinates, float[] amplitudes, IReadOnlyList<string> warnings)
    {
        ChainIds = chains;
        ResidueNumbers = numbers;
        InsertionCodes = insCodes;
        ResidueNames = names;
        _isNucleotide = isNucleotide;
        Coordinates = coordinates;
        Amplitudes = amplitudes;
        Warnings = warnings;
    }

    /// <summary>
    /// Builds the coarse model from <paramref name="model"/>, keeping only <paramref name="chains"/> when given.
    /// Throws <see cref="InputException"/> for an unknown chain or when no protein/nucleic-acid residue remains.
    /// </summary>
    public static Structure FromAtomicModel(AtomicModel model, IEnumerable<string>? chains = null)
    {
        HashSet<string>? keep = chains is null ? null : new HashSet<string>(chains, StringComparer.Ordinal);
        if (keep is not null)
            foreach (string id in keep)
                if (model.FindChain(id) is null)
                    throw new InputException(model.SourcePath,
                        $"no chain '{id}' (chains: {string.Join(", ", model.Chains.Select(c => c.Id))})");

        var chainIds = new List<string>();
        var numbers = new List<int>();
        var insCodes = new List<string>();
        var names = new List<string>();
        var nucleotide = new List<bool>();
        var coords = new List<float>();
        var amplitudes = new List<float>();
        var warnings = new List<string>();
        foreach (var chain in model.Chains)
        {
            if (keep is not null && !keep.Contains(chain.Id)) continue;
            foreach (var residue in chain.Residues)
            {
                if (!ResidueTables.IsPolymerResidue(residue.Name, residue.IsHetero)) continue;
                string representative = ResidueTables.RepresentativeAtom(residue.Name)!;
                // Old PDB files spell primes as asterisks (C1*).
                var atom = residue.FindAtom(representative) ?? residue.FindAtom(representative.Replace('\'', '*'));
                if (atom is null)
                {
                    warnings.Add($"residue {residue.Name} {chain.Id}{residue.SeqNum}{residue.InsCode} has no {representative} atom; skipped");
                    continue;
                }
                chainIds.Add(chain.Id);
                numbers.Add(residue.SeqNum);
                insCodes.Add(residue.InsCode);
                names.Add(residue.Name);
                nucleotide.Add(ResidueTables.IsNucleotide(residue.Name));
                coords.Add((float)atom.X);
                coords.Add((float)atom.Y);
                coords.Add((float)atom.Z);
                amplitudes.Add(ResidueElectrons(residue));
            }
        }
        if (names.Count == 0)
            throw new InputException(model.SourcePath, "no protein or nucleic-acid residues" + (keep is null ? "" : " in the chosen chains"));
        return new Structure(chainIds.ToArray(), numbers.ToArray(), insCodes.ToArray(), names.ToArray(), nucleotide.ToArray(),
            coords.ToArray(), amplitudes.ToArray(), warnings);
    }

    /// <summary>
    /// Heavy-atom electrons of a residue; a residue reduced to one heavy atom (CA-only or C1'-only models) gets
    /// its type's standard count so the density keeps its true weight.
    /// </summary>
    private static float ResidueElectrons(Residue residue)
    {
        int heavy = 0, electrons = 0;
        foreach (var a in residue.Atoms)
        {
            if (ResidueTables.IsHydrogen(a.Element)) continue;
            heavy++;
            electrons += ResidueTables.AtomicNumber(a.Element);
        }
        if (heavy <= 1) return ResidueTables.StandardElectronCount(residue.Name) ?? electrons;
        return electrons;
    }

    /// <summary>The same residues at new positions (length 3·<see cref="Count"/>).</summary>
    public Structure WithCoordinates(float[] coordinates)
    {
        if (coordinates.Length != Coordinates.Length)
            throw new ArgumentException($"expected {Coordinates.Length} coordinates, got {coordinates.Length}", nameof(coordinates));
        return new Structure(ChainIds, ResidueNumbers, InsertionCodes, ResidueNames, _isNucleotide, coordinates, Amplitudes, Warnings);
    }

    /// <summary>The residues at <paramref name="indices"/> (in that order), with their coordinates and amplitudes.</summary>
    public Structure Subset(IReadOnlyList<int> indices)
    {
        var c = new float[3 * indices.Count];
        for (int k = 0; k < indices.Count; k++)
            for (int d = 0; d < 3; d++) c[3 * k + d] = Coordinates[3 * indices[k] + d];
        T[] Pick<T>(T[] a) => indices.Select(i => a[i]).ToArray();
        return new Structure(Pick(ChainIds), Pick(ResidueNumbers), Pick(InsertionCodes), Pick(ResidueNames), Pick(_isNucleotide),
            c, Pick(Amplitudes), Warnings);
    }

    /// <summary>Unweighted mean of the residue positions, Å.</summary>
    public (double X, double Y, double Z) Centroid()
    {
        double x = 0, y = 0, z = 0;
        for (int i = 0; i < Count; i++)
        {
            x += Coordinates[3 * i];
            y += Coordinates[3 * i + 1];
            z += Coordinates[3 * i + 2];
        }
        return (x / Count, y / Count, z / Count);
    }

    /// <summary>
    /// A CA/C1'-only atomic model of these residues, at <paramref name="coordinates"/> (default: this structure's)
    /// with per-residue <paramref name="bfactors"/> (default 0), e.g. to write one PDB model per particle.
    /// </summary>
    public AtomicModel ToAtomicModel(float[]? coordinates = null, float[]? bfactors = null)
    {
        coordinates ??= Coordinates;
        if (coordinates.Length != Coordinates.Length)
            throw new ArgumentException($"expected {Coordinates.Length} coordinates, got {coordinates.Length}", nameof(coordinates));
        if (bfactors is not null && bfactors.Length != Count)
            throw new ArgumentException($"expected {Count} B-factors, got {bfactors.Length}", nameof(bfactors));
        var model = new AtomicModel();
        Chain? chain = null;
        for (int i = 0; i < Count; i++)
        {
            if (chain is null || chain.Id != ChainIds[i]) chain = model.GetOrAddChain(ChainIds[i]);
            var residue = new Residue(ResidueNames[i], ChainIds[i], ResidueNumbers[i], InsertionCodes[i],
                isHetero: !ResidueTables.IsPolymerResidue(ResidueNames[i], false));
            residue.Atoms.Add(new Atom
            {
                Serial = i + 1,
                Name = _isNucleotide[i] ? "C1'" : "CA",
                Element = "C",
                X = coordinates[3 * i],
                Y = coordinates[3 * i + 1],
                Z = coordinates[3 * i + 2],
                Occupancy = 1.0,
                BFactor = bfactors?[i] ?? 0.0,
            });
            chain.Residues.Add(residue);
        }
        return model;
    }

    /// <summary>Index of residue <paramref name="residueNumber"/> (with <paramref name="insertionCode"/>) of
    /// <paramref name="chain"/>, or -1.</summary>
    public int IndexOf(string chain, int residueNumber, string insertionCode = "")
    {
        for (int i = 0; i < Count; i++)
            if (ResidueNumbers[i] == residueNumber && ChainIds[i] == chain && InsertionCodes[i] == insertionCode) return i;
        return -1;
    }
}
