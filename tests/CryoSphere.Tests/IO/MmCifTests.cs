using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class MmCifTests
{
    private static readonly string Open = TestData.Structure("4AKE.cif");
    private static readonly string Rnap = TestData.Structure("6C6S.cif");

    [Fact]
    public void Reads4akeChainsAndAtoms()
    {
        var model = MmCif.Read(Open);
        Assert.Equal(3459, model.AtomCount);
        Assert.Equal(["A", "B"], model.Chains.Select(c => c.Id));
        foreach (var chain in model.Chains)
            Assert.Equal(214, chain.Residues.Count(r => !r.IsHetero && r.FindAtom("CA") is not null));
        var first = model.Chains[0].Residues[0];
        Assert.Equal(("MET", 1, ""), (first.Name, first.SeqNum, first.InsCode));
        var ca = first.FindAtom("CA")!;
        Assert.Equal((-9.901, -24.422, -10.479), (ca.X, ca.Y, ca.Z));
        Assert.Equal("C", ca.Element);
        Assert.Equal(29.02, ca.BFactor);
        Assert.Equal("", ca.AltLoc);
    }

    [Fact]
    public void Reads6c6sAuthChainsAndQuotedPrimeNames()
    {
        var model = MmCif.Read(Rnap);
        Assert.Equal(27691, model.AtomCount);
        var dg = model.FindChain("A")!.Residues[0];
        Assert.Equal("DG", dg.Name);
        Assert.Equal("O5'", dg.Atoms[0].Name);
        Assert.NotNull(dg.FindAtom("C1'"));
        Assert.Contains(model.Residues, r => r.Name == "MG" && r.IsHetero);
        Assert.Equal(2, model.Residues.Count(r => r.Name == "ZN" && r.IsHetero));
    }

    [Fact]
    public void RoundTripKeepsEverything()
    {
        var original = MmCif.Read(Open);
        string path = Path.Combine(TestData.TempDir(), "rt.cif");
        MmCif.Write(path, original);
        PdbTests.AssertSameModel(original, MmCif.Read(path));
        PdbTests.AssertSameModel(original, StructureReader.Read(path));
    }

    [Fact]
    public void RoundTripOfNucleicAcidsAndInsertionCodes()
    {
        var original = MmCif.Read(Rnap);
        var r = original.Chains[0].Residues[1];
        r.InsCode = "A";
        r.Atoms[0].AltLoc = "B";
        string path = Path.Combine(TestData.TempDir(), "rnap.cif");
        MmCif.Write(path, original);
        PdbTests.AssertSameModel(original, MmCif.Read(path));
    }

    [Fact]
    public void MultiCharacterChainsAndManyModels()
    {
        var model = MmCif.Read(Open);
        foreach (var chain in model.Chains)
        {
            chain.Id += "long";
            foreach (var r in chain.Residues) r.Chain = chain.Id;
        }
        var moved = PdbTests.Shifted(model, -5);
        string path = Path.Combine(TestData.TempDir(), "two.cif");
        MmCif.Write(path, [model, moved]);
        var models = MmCif.ReadModels(path);
        Assert.Equal(2, models.Count);
        Assert.Equal(["Along", "Blong"], models[0].Chains.Select(c => c.Id));
        PdbTests.AssertSameModel(moved, models[1]);
        PdbTests.AssertSameModel(model, MmCif.Read(path));
    }

    [Fact]
    public void FirstModelOnlyAndMissingValues()
    {
        string path = Path.Combine(TestData.TempDir(), "m.cif");
        File.WriteAllText(path, """
            data_test
            _entry.id TEST
            loop_
            _struct.title
            ;
            A text field that says
            loop_ and _atom_site.Cartn_x inside it
            ;
            #
            loop_
            _atom_site.group_PDB
            _atom_site.id
            _atom_site.label_atom_id
            _atom_site.label_alt_id
            _atom_site.label_comp_id
            _atom_site.auth_asym_id
            _atom_site.auth_seq_id
            _atom_site.pdbx_PDB_ins_code
            _atom_site.Cartn_x
            _atom_site.Cartn_y
            _atom_site.Cartn_z
            _atom_site.occupancy
            _atom_site.B_iso_or_equiv
            _atom_site.pdbx_PDB_model_num
            ATOM 1 CA . GLY A 5 ? 1.0 2.0 3.0 ? ? 2
            ATOM 2 "C1'" A DA B 7 X 4.0 5.0 6.0 1 20 2
            ATOM 3 "C1'" B DA B 7 X 9.0 9.0 9.0 1 20 2
            ATOM 4 CA . GLY A 5 ? 7.0 8.0 9.0 1 0 3
            #
            _other.key value
            """);
        var model = MmCif.Read(path);
        Assert.Equal(2, model.AtomCount);
        var dna = model.FindChain("B")!.Residues.Single();
        Assert.Equal(("DA", 7, "X"), (dna.Name, dna.SeqNum, dna.InsCode));
        Assert.Equal(("C1'", "A", 4.0, "C"), (dna.Atoms[0].Name, dna.Atoms[0].AltLoc, dna.Atoms[0].X, dna.Atoms[0].Element));
        Assert.Equal(1.0, model.Atoms.First().Occupancy);
        Assert.Equal(2, MmCif.ReadModels(path).Count);
    }

    [Fact]
    public void MisnamedFileIsReadByContent()
    {
        string path = Path.Combine(TestData.TempDir(), "really-cif.pdb");
        File.Copy(Open, path);
        PdbTests.AssertSameModel(MmCif.Read(Open), StructureReader.Read(path));
    }

    [Fact]
    public void BadInputsNameTheFile()
    {
        string dir = TestData.TempDir();
        string noLoop = Path.Combine(dir, "x.cif");
        File.WriteAllText(noLoop, "data_x\n_entry.id X\n");
        Assert.Contains("_atom_site", Assert.Throws<InputException>(() => MmCif.Read(noLoop)).Message);

        string badX = Path.Combine(dir, "bad.cif");
        File.WriteAllText(badX, "data_x\nloop_\n_atom_site.label_atom_id\n_atom_site.label_comp_id\n_atom_site.label_asym_id\n" +
            "_atom_site.label_seq_id\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\nCA GLY A 1 1 2 3\nCA GLY A 2 abc 2 3\n");
        var e = Assert.Throws<InputException>(() => MmCif.Read(badX));
        Assert.Equal(badX, e.FilePath);
        Assert.Equal(11, e.Line);

        string truncated = Path.Combine(dir, "trunc.cif");
        File.WriteAllText(truncated, "data_x\nloop_\n_atom_site.label_atom_id\n_atom_site.label_comp_id\n_atom_site.label_asym_id\n" +
            "_atom_site.label_seq_id\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\nCA GLY A 1 1 2 3\nCA GLY A\n");
        Assert.Contains("inside a row", Assert.Throws<InputException>(() => MmCif.Read(truncated)).Message);

        string empty = Path.Combine(dir, "empty.cif");
        File.WriteAllText(empty, "");
        Assert.Equal(empty, Assert.Throws<InputException>(() => StructureReader.Read(empty)).FilePath);
    }
}
