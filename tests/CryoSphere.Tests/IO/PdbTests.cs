using System.Globalization;
using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class PdbTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    [Fact]
    public void Reads1akeChainsResiduesAndHetero()
    {
        var model = Pdb.Read(Ake);
        Assert.Equal(["A", "B"], model.Chains.Select(c => c.Id));
        foreach (var chain in model.Chains)
        {
            var polymer = chain.Residues.Where(r => !r.IsHetero).ToList();
            Assert.Equal(214, polymer.Count);
            Assert.Equal(Enumerable.Range(1, 214), polymer.Select(r => r.SeqNum));
            Assert.All(polymer, r => Assert.NotNull(r.FindAtom("CA")));
            var ap5 = Assert.Single(chain.Residues, r => r.Name == "AP5");
            Assert.True(ap5.IsHetero);
            Assert.All(chain.Residues.Where(r => r.Name == "HOH"), r => Assert.True(r.IsHetero));
        }
        Assert.Equal(428, model.Residues.Count(r => !r.IsHetero && r.FindAtom("CA") is not null));
    }

    [Fact]
    public void AtomRecordsAllArriveExceptSecondAltlocs()
    {
        var lines = File.ReadAllLines(Ake).Where(l => l.StartsWith("ATOM  ")).ToList();
        Assert.Equal(3317, lines.Count);
        int secondAltlocs = lines.Count(l => l[16] != ' ' && l[16] != 'A');
        var model = Pdb.Read(Ake);
        Assert.Equal(3317 - secondAltlocs, model.Residues.Where(r => !r.IsHetero).Sum(r => r.Atoms.Count));
    }

    [Fact]
    public void Arg167KeepsOneSetOfAtoms()
    {
        var arg = Pdb.Read(Ake).FindChain("A")!.Residues.Single(r => r.SeqNum == 167 && !r.IsHetero);
        Assert.Equal("ARG", arg.Name);
        Assert.Equal(["N", "CA", "C", "O", "CB", "CG", "CD", "NE", "CZ", "NH1", "NH2"], arg.Atoms.Select(a => a.Name));
        var cd = arg.FindAtom("CD")!;
        Assert.Equal("A", cd.AltLoc);
        Assert.Equal(24.502, cd.X, 3);
        Assert.Equal(38.811, cd.Y, 3);
        Assert.Equal(0.5, cd.Occupancy);
    }

    [Fact]
    public void ParsesFieldsOfFirstAtom()
    {
        var a = Pdb.Read(Ake).Chains[0].Residues[0].Atoms[0];
        Assert.Equal(1, a.Serial);
        Assert.Equal("N", a.Name);
        Assert.Equal("N", a.Element);
        Assert.Equal(26.981, a.X, 6);
        Assert.Equal(53.977, a.Y, 6);
        Assert.Equal(40.085, a.Z, 6);
        Assert.Equal(1.0, a.Occupancy);
        Assert.Equal(40.83, a.BFactor, 6);
    }

    [Fact]
    public void InfersElementsFromNameColumnsWhenMissing()
    {
        string path = WritePdb(
            Atom("ATOM  ", 1, " CA ", "ALA", 'A', 1, ""),
            Atom("ATOM  ", 2, " SE ", "MSE", 'A', 2, ""),
            Atom("HETATM", 3, "CA  ", " CA", 'A', 101, ""),
            Atom("HETATM", 4, "ZN  ", " ZN", 'A', 102, ""),
            Atom("HETATM", 5, " O  ", "HOH", 'A', 103, ""),
            Atom("HETATM", 6, "HG21", "LIG", 'A', 104, ""),
            Atom("HETATM", 7, "1HG1", "LIG", 'A', 104, ""),
            Atom("HETATM", 8, " C1 ", "LIG", 'A', 104, "", "2-"));
        var atoms = Pdb.Read(path).Atoms.ToList();
        Assert.Equal(["C", "Se", "Ca", "Zn", "O", "H", "H", "C"], atoms.Select(a => a.Element));
        Assert.Equal(-2, atoms[7].Charge);
    }

    [Fact]
    public void RoundTripKeepsNamesChainsNumbersAndCoordinates()
    {
        var original = Pdb.Read(Ake);
        string path = Path.Combine(TestData.TempDir(), "rt.pdb");
        Pdb.Write(path, [original]);
        Assert.DoesNotContain(File.ReadLines(path), l => l.StartsWith("MODEL"));
        Assert.Equal("END", File.ReadLines(path).Last());
        AssertSameModel(original, Pdb.Read(path));
    }

    [Fact]
    public void RoundTripKeepsInsertionCodesAndTwoLetterElements()
    {
        var model = new AtomicModel();
        var chain = model.GetOrAddChain("H");
        foreach (var (num, ins) in new[] { (52, ""), (52, "A"), (52, "B"), (53, "") })
        {
            var r = new Residue("GLY", "H", num, ins);
            r.Atoms.Add(new Atom { Name = "CA", Element = "C", X = num + 0.1234, Y = -12.5, Z = 999.9994, BFactor = 3 });
            chain.Residues.Add(r);
        }
        var ion = new Residue("MG", "H", 900, "", isHetero: true);
        ion.Atoms.Add(new Atom { Name = "MG", Element = "Mg", X = 1, Y = 2, Z = 3, Charge = 2 });
        chain.Residues.Add(ion);
        string path = Path.Combine(TestData.TempDir(), "ins.pdb");
        Pdb.Write(path, model);
        var back = Pdb.Read(path);
        AssertSameModel(model, back);
        Assert.Equal("Mg", back.Atoms.Last().Element);
        Assert.Equal(2, back.Atoms.Last().Charge);
        Assert.Contains(File.ReadLines(path), l => l.StartsWith("TER "));
    }

    [Fact]
    public void MultiModelWriteReadsBackEveryModel()
    {
        var model = Pdb.Read(Ake);
        var moved = Shifted(model, 10);
        string path = Path.Combine(TestData.TempDir(), "multi.pdb");
        Pdb.Write(path, [model, moved, model]);
        var models = Pdb.ReadModels(path);
        Assert.Equal(3, models.Count);
        Assert.Equal(3, File.ReadLines(path).Count(l => l.StartsWith("MODEL ")));
        AssertSameModel(moved, models[1]);
        AssertSameModel(model, Pdb.Read(path));
    }

    [Fact]
    public void StreamingWriterCompletesIntoPlace()
    {
        var model = Pdb.Read(Ake);
        string dir = TestData.TempDir();
        string path = Path.Combine(dir, "per-particle.pdb");
        using (var writer = new PdbModelWriter(path))
        {
            for (int i = 0; i < 4; i++) writer.WriteModel(Shifted(model, i));
            Assert.False(File.Exists(path));
            writer.Complete();
        }
        var models = Pdb.ReadModels(path);
        Assert.Equal(4, models.Count);
        AssertSameModel(Shifted(model, 3), models[3]);
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void StreamingWriterDisposedWithoutCompleteLeavesNothing()
    {
        string dir = TestData.TempDir();
        using (var writer = new PdbModelWriter(Path.Combine(dir, "x.pdb")))
            writer.WriteModel(Pdb.Read(Ake));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void BFactorColumnCarriesCallerValues()
    {
        var model = Pdb.Read(Ake);
        foreach (var r in model.Residues) foreach (var a in r.Atoms) a.BFactor = r.Chain == "A" ? 1 : 2;
        string path = Path.Combine(TestData.TempDir(), "seg.pdb");
        Pdb.Write(path, model);
        Assert.All(Pdb.Read(path).Residues, r => Assert.All(r.Atoms, a => Assert.Equal(r.Chain == "A" ? 1.0 : 2.0, a.BFactor)));
    }

    [Fact]
    public void LongChainIdsNeedMmCif()
    {
        var model = new AtomicModel();
        var r = new Residue("ALA", "AB", 1);
        r.Atoms.Add(new Atom { Name = "CA", Element = "C" });
        model.GetOrAddChain("AB").Residues.Add(r);
        string path = Path.Combine(TestData.TempDir(), "long.pdb");
        var e = Assert.Throws<InputException>(() => Pdb.Write(path, model));
        Assert.Contains(".cif", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void MoreThan99999AtomsNeedMmCif()
    {
        var model = new AtomicModel();
        var chain = model.GetOrAddChain("A");
        for (int i = 0; i < 9000; i++)
        {
            var r = new Residue("TRP", "A", i % 9000 + 1);
            for (int k = 0; k < 12; k++) r.Atoms.Add(new Atom { Name = "C" + k, Element = "C" });
            chain.Residues.Add(r);
        }
        string path = Path.Combine(TestData.TempDir(), "big.pdb");
        var e = Assert.Throws<InputException>(() => Pdb.Write(path, model));
        Assert.Contains("99,999", e.Message);
        Assert.Contains(".cif", e.Message);
        Assert.False(File.Exists(path));

        string cif = Path.ChangeExtension(path, ".cif");
        StructureReader.Write(cif, [model]);
        Assert.Equal(108_000, File.ReadLines(cif).Count(l => l.StartsWith("ATOM ")));
        Assert.StartsWith("ATOM 108000 C C11 . TRP A ? 9000 ? 0.000 ", File.ReadLines(cif).Last(l => l.StartsWith("ATOM ")));
    }

    [Fact]
    public void BadInputsNameTheFile()
    {
        string dir = TestData.TempDir();
        string empty = Path.Combine(dir, "empty.pdb");
        File.WriteAllText(empty, "");
        Assert.Equal(empty, Assert.Throws<InputException>(() => StructureReader.Read(empty)).FilePath);

        string noAtoms = Path.Combine(dir, "header.pdb");
        File.WriteAllText(noAtoms, "HEADER    NOTHING\nEND\n");
        Assert.Contains("no ATOM", Assert.Throws<InputException>(() => StructureReader.Read(noAtoms)).Message);

        string missing = Path.Combine(dir, "missing.pdb");
        Assert.Equal(missing, Assert.Throws<InputException>(() => StructureReader.Read(missing)).FilePath);

        string badCoord = WritePdb(Atom("ATOM  ", 1, " CA ", "ALA", 'A', 1, "C").Remove(30, 8).Insert(30, "  abc.de"));
        var e = Assert.Throws<InputException>(() => Pdb.Read(badCoord));
        Assert.Equal(1, e.Line);
        Assert.Contains("x coordinate", e.Message);
    }

    [Fact]
    public void ContentSniffingReadsPdbWithoutExtension()
    {
        string path = Path.Combine(TestData.TempDir(), "model.txt");
        File.Copy(Ake, path);
        Assert.Equal(Pdb.Read(Ake).AtomCount, StructureReader.Read(path).AtomCount);
    }

    internal static void AssertSameModel(AtomicModel expected, AtomicModel actual)
    {
        Assert.Equal(expected.Chains.Select(c => c.Id), actual.Chains.Select(c => c.Id));
        var er = expected.Residues.ToList();
        var ar = actual.Residues.ToList();
        Assert.Equal(er.Count, ar.Count);
        for (int i = 0; i < er.Count; i++)
        {
            Assert.Equal((er[i].Name, er[i].Chain, er[i].SeqNum, er[i].InsCode, er[i].IsHetero),
                (ar[i].Name, ar[i].Chain, ar[i].SeqNum, ar[i].InsCode, ar[i].IsHetero));
            Assert.Equal(er[i].Atoms.Count, ar[i].Atoms.Count);
            for (int k = 0; k < er[i].Atoms.Count; k++)
            {
                Atom e = er[i].Atoms[k], a = ar[i].Atoms[k];
                Assert.Equal((e.Name, e.AltLoc, e.Element), (a.Name, a.AltLoc, a.Element));
                Assert.Equal(e.X, a.X, 3);
                Assert.Equal(e.Y, a.Y, 3);
                Assert.Equal(e.Z, a.Z, 3);
                Assert.Equal(e.Occupancy, a.Occupancy, 2);
                Assert.Equal(e.BFactor, a.BFactor, 2);
            }
        }
    }

    internal static AtomicModel Shifted(AtomicModel model, double dx)
    {
        var copy = new AtomicModel();
        foreach (var r in model.Residues)
        {
            var nr = new Residue(r.Name, r.Chain, r.SeqNum, r.InsCode, r.IsHetero);
            foreach (var a in r.Atoms)
            {
                var na = a.Clone();
                na.X += dx;
                nr.Atoms.Add(na);
            }
            copy.GetOrAddChain(r.Chain).Residues.Add(nr);
        }
        return copy;
    }

    internal static string Atom(string record, int serial, string name, string residue, char chain, int seq, string element, string charge = "", double x = 1, double y = 2, double z = 3) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{record}{serial,5} {name} {residue,3} {chain}{seq,4}    {x,8:F3}{y,8:F3}{z,8:F3}{1.0,6:F2}{10.0,6:F2}          {element,2}{charge,2}");

    internal static string WritePdb(params string[] lines)
    {
        string path = Path.Combine(TestData.TempDir(), "t.pdb");
        File.WriteAllText(path, string.Join("\n", lines) + "\nEND\n");
        return path;
    }
}
