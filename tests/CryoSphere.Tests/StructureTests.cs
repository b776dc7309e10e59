using CryoSphere.IO;

namespace CryoSphere.Tests;

public class StructureTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    [Fact]
    public void Ake1HasOneEntryPerCalpha()
    {
        var s = StructureReader.ReadStructure(Ake);
        Assert.Equal(428, s.Count);
        Assert.Equal(428 * 3, s.Coordinates.Length);
        Assert.Equal(428, s.Amplitudes.Length);
        Assert.Equal(214, s.ChainIds.Count(c => c == "A"));
        Assert.Equal(214, s.ChainIds.Count(c => c == "B"));
        Assert.DoesNotContain("AP5", s.ResidueNames);
        Assert.DoesNotContain("HOH", s.ResidueNames);
        Assert.Empty(s.Warnings);
        Assert.Equal(Enumerable.Range(1, 214).Concat(Enumerable.Range(1, 214)), s.ResidueNumbers);
        Assert.Equal(["MET", "ARG", "ILE"], s.ResidueNames.Take(3));
        // ATOM 2: CA of MET A 1 at 26.091 52.849 39.889.
        Assert.Equal([26.091f, 52.849f, 39.889f], s.Coordinates.Take(3));
    }

    [Fact]
    public void Cif4akeHas428Calpha()
    {
        var s = StructureReader.ReadStructure(TestData.Structure("4AKE.cif"));
        Assert.Equal(428, s.Count);
        Assert.Equal(["A", "B"], s.ChainIds.Distinct());
        Assert.All(s.ResidueNames, n => Assert.True(ResidueTables.IsAminoAcid(n)));
    }

    [Fact]
    public void Rnap6c6sProteinAndNucleotideCounts()
    {
        string path = TestData.Structure("6C6S.cif");
        var s = StructureReader.ReadStructure(path);
        var protein = Enumerable.Range(0, s.Count).Where(i => ResidueTables.IsAminoAcid(s.ResidueNames[i])).ToList();
        Assert.Equal(3360, protein.Count);
        var perChain = protein.GroupBy(i => s.ChainIds[i]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["G"] = 221, ["H"] = 219, ["I"] = 1341, ["J"] = 1335, ["K"] = 83, ["D"] = 161 }, perChain);

        // Independent count: model-1 C1' atoms per chain straight from the text (auth_asym_id is column 19).
        var expected = File.ReadLines(path)
            .Where(l => l.StartsWith("ATOM "))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "\"C1'\"" && f[^1] == "1")
            .GroupBy(f => f[18]).ToDictionary(g => g.Key, g => g.Count());
        var nucleotides = Enumerable.Range(0, s.Count).Where(i => ResidueTables.IsNucleotide(s.ResidueNames[i]))
            .GroupBy(i => s.ChainIds[i]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["A", "B", "R"], expected.Keys.Order());
        Assert.Equal(10, expected["R"]);
        Assert.Equal(expected, nucleotides);
        Assert.Equal(3360 + expected.Values.Sum(), s.Count);
    }

    [Fact]
    public void StandardElectronCounts()
    {
        Assert.Equal(27, ResidueTables.StandardElectronCount("GLY"));
        Assert.Equal(33, ResidueTables.StandardElectronCount("ALA"));
        Assert.Equal(61, ResidueTables.StandardElectronCount("MET"));
        Assert.Equal(61 - 16 + 34, ResidueTables.StandardElectronCount("MSE"));
        Assert.Equal(72, ResidueTables.StandardElectronCount("ARG"));
        Assert.Equal(88, ResidueTables.StandardElectronCount("TRP"));
        // Nucleotides inside a chain (OP3 excluded): dA = C10 N5 O5 P, A = C10 N5 O6 P, dT = C10 N2 O7 P.
        Assert.Equal(10 * 6 + 5 * 7 + 5 * 8 + 15, ResidueTables.StandardElectronCount("DA"));
        Assert.Equal(10 * 6 + 5 * 7 + 6 * 8 + 15, ResidueTables.StandardElectronCount("A"));
        Assert.Equal(10 * 6 + 2 * 7 + 7 * 8 + 15, ResidueTables.StandardElectronCount("DT"));
        Assert.Null(ResidueTables.StandardElectronCount("HOH"));
    }

    [Fact]
    public void AmplitudeOfMet1IsTheSumOfItsAtomsAtomicNumbers()
    {
        // Independent of the reader: element columns 77-78 of the ATOM records of MET A 1.
        var z = new Dictionary<string, int> { ["C"] = 6, ["N"] = 7, ["O"] = 8, ["S"] = 16 };
        int expected = File.ReadLines(Ake)
            .Where(l => l.StartsWith("ATOM  ") && l.Substring(17, 3) == "MET" && l[21] == 'A' && l.Substring(22, 4).Trim() == "1")
            .Sum(l => z[l.Substring(76, 2).Trim()]);
        Assert.Equal(61, expected);
        var s = StructureReader.ReadStructure(Ake);
        Assert.Equal(expected, s.Amplitudes[s.IndexOf("A", 1)]);
        Assert.Equal(72f, s.Amplitudes[s.IndexOf("A", 167)]); // altloc B not counted twice
    }

    [Fact]
    public void CompleteResiduesMatchTheTable()
    {
        // Every 1ake residue holding exactly the standard heavy atoms must weigh what the table says.
        var model = Pdb.Read(Ake);
        var s = Structure.FromAtomicModel(model);
        int checkedResidues = 0;
        foreach (var r in model.Residues.Where(r => !r.IsHetero))
        {
            var standard = ResidueTables.HeavyAtoms(r.Name)!;
            if (!r.Atoms.Select(a => a.Name).Order().SequenceEqual(standard.Order())) continue;
            Assert.Equal((float)ResidueTables.StandardElectronCount(r.Name)!, s.Amplitudes[s.IndexOf(r.Chain, r.SeqNum)]);
            checkedResidues++;
        }
        Assert.True(checkedResidues > 400, $"only {checkedResidues} complete residues");
    }

    [Fact]
    public void CalphaOnlyInputUsesTheTable()
    {
        var full = StructureReader.ReadStructure(Ake);
        string path = Path.Combine(TestData.TempDir(), "ca.pdb");
        Pdb.Write(path, full.ToAtomicModel());
        var ca = StructureReader.ReadStructure(path);
        Assert.Equal(full.Count, ca.Count);
        Assert.Equal(full.ResidueNames, ca.ResidueNames);
        for (int i = 0; i < ca.Count; i++)
            Assert.Equal((float)ResidueTables.StandardElectronCount(ca.ResidueNames[i])!, ca.Amplitudes[i]);
        Assert.Equal(27f, ca.Amplitudes[ca.ResidueNames.ToList().IndexOf("GLY")]);
        Assert.Equal(33f, ca.Amplitudes[ca.ResidueNames.ToList().IndexOf("ALA")]);
        for (int i = 0; i < ca.Coordinates.Length; i++) Assert.Equal(full.Coordinates[i], ca.Coordinates[i], 3);
    }

    [Fact]
    public void NucleotidesUseC1PrimeInCalphaModels()
    {
        var s = StructureReader.ReadStructure(TestData.Structure("6C6S.cif"), ["R"]);
        Assert.All(s.ResidueNames, n => Assert.True(ResidueTables.IsNucleotide(n)));
        var model = s.ToAtomicModel(bfactors: Enumerable.Repeat(7f, s.Count).ToArray());
        Assert.All(model.Atoms, a => Assert.Equal(("C1'", 7.0), (a.Name, a.BFactor)));
        string path = Path.Combine(TestData.TempDir(), "r.pdb");
        Pdb.Write(path, model);
        var back = StructureReader.ReadStructure(path);
        Assert.Equal(s.ResidueNumbers, back.ResidueNumbers);
        Assert.Equal(s.ResidueNames.Select(n => (float)ResidueTables.StandardElectronCount(n)!), back.Amplitudes);
    }

    [Fact]
    public void ChainFilterAndUnknownChain()
    {
        var s = StructureReader.ReadStructure(Ake, ["B"]);
        Assert.Equal(214, s.Count);
        Assert.All(s.ChainIds, c => Assert.Equal("B", c));
        var e = Assert.Throws<InputException>(() => StructureReader.ReadStructure(Ake, ["Z"]));
        Assert.Contains("'Z'", e.Message);
        Assert.Equal(Ake, e.FilePath);
    }

    [Fact]
    public void ResidueWithoutRepresentativeAtomIsSkippedWithWarning()
    {
        var model = Pdb.Read(Ake);
        var r = model.FindChain("A")!.Residues[9];
        r.Atoms.RemoveAll(a => a.Name == "CA");
        var s = Structure.FromAtomicModel(model);
        Assert.Equal(427, s.Count);
        Assert.Equal(-1, s.IndexOf("A", r.SeqNum));
        var warning = Assert.Single(s.Warnings);
        Assert.Contains($"A{r.SeqNum}", warning);
    }

    [Fact]
    public void WatersOnlyIsNoProtein()
    {
        string path = Path.Combine(TestData.TempDir(), "water.pdb");
        File.WriteAllLines(path, File.ReadLines(Ake).Where(l => l.StartsWith("HETATM") && l.Contains("HOH")).Append("END"));
        var e = Assert.Throws<InputException>(() => StructureReader.ReadStructure(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("no protein or nucleic-acid residues", e.Message);
    }

    [Fact]
    public void CentroidAndWithCoordinates()
    {
        var s = StructureReader.ReadStructure(Ake);
        var (x, y, z) = s.Centroid();
        Assert.Equal(s.Coordinates.Where((_, i) => i % 3 == 0).Average(v => (double)v), x, 6);
        Assert.Equal(s.Coordinates.Where((_, i) => i % 3 == 2).Average(v => (double)v), z, 6);
        var moved = s.WithCoordinates(s.Coordinates.Select((v, i) => i % 3 == 1 ? v + 10f : v).ToArray());
        Assert.Equal(y + 10, moved.Centroid().Y, 4);
        Assert.Same(s.ResidueNames, moved.ResidueNames);
        Assert.Throws<ArgumentException>(() => s.WithCoordinates(new float[3]));
    }

    [Fact]
    public void SelectionsPickResidueIndices()
    {
        var s = StructureReader.ReadStructure(Ake);
        Assert.Equal(Enumerable.Range(121, 38), StructureSelection.Parse(s, "A:122-159"));
        Assert.Equal([117], StructureSelection.Parse(s, "A:118"));
        Assert.Equal(Enumerable.Range(214, 214), StructureSelection.Parse(s, "B"));
        Assert.Equal([0, 214 + 4], StructureSelection.Parse(s, "A:1, B:5"));
        Assert.Equal(117, s.IndexOf("A", 118));
        foreach (string bad in new[] { "C", "A:300", "A:200-300x", "A:50-10", "A:400-500", "" })
        {
            var e = Assert.Throws<InputException>(() => StructureSelection.Parse(s, bad));
            if (bad.Length > 0) Assert.Contains(bad, e.Message);
        }
    }
}
