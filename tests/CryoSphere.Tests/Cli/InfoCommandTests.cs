using CryoSphere.IO;
using CryoSphere.Tests.Data;

namespace CryoSphere.Tests.Cli;

public class InfoCommandTests
{
    private static string CopyToTemp(string source, string name)
    {
        string p = Path.Combine(TestData.TempDir("info"), name);
        File.Copy(source, p);
        return p;
    }

    // Bad input: exit ≠ 0 and one line naming the file.

    [Fact]
    public void TruncatedMrcIsOneLine()
    {
        string p = CopyToTemp(TestData.CryoDrgn("hand.5.mrcs"), "cut.mrcs");
        using (var f = File.OpenWrite(p)) f.SetLength(f.Length - 5000);
        CliRunner.AssertOneLineError(CliRunner.Run("info", p), "cut.mrcs");
    }

    [Fact]
    public void MrcLongerThanItsHeaderSaysIsOneLine()
    {
        string p = CopyToTemp(TestData.CryoDrgn("hand.5.mrcs"), "long.mrcs");
        using (var f = new FileStream(p, FileMode.Append)) f.Write(new byte[123]);
        var r = CliRunner.Run("info", p);
        CliRunner.AssertOneLineError(r, "long.mrcs");
        Assert.Contains("82944", r.Err.Replace(",", ""), StringComparison.Ordinal);
    }

    [Fact]
    public void StarWithoutImageNameIsOneLine()
    {
        string p = Path.Combine(TestData.TempDir("info"), "noimg.star");
        File.WriteAllText(p, "data_particles\n\nloop_\n_rlnDefocusU #1\n_rlnDefocusV #2\n10000 10000\n");
        var r = CliRunner.Run("info", p);
        CliRunner.AssertOneLineError(r, "noimg.star");
        Assert.Contains("_rlnImageName", r.Err);
    }

    [Fact]
    public void IndexBeyondAStackIsOneLineNamingTheRow()
    {
        string star = ParticleDatasetTests.BadIndexStar();
        var r = CliRunner.Run("info", star);
        CliRunner.AssertOneLineError(r, "bad.star");
        Assert.Contains("particle 3", r.Err);
    }

    [Fact]
    public void MissingStackStillDescribesTheMetadata()
    {
        string p = Path.Combine(TestData.TempDir("info"), "lost.star");
        File.WriteAllText(p, "data_particles\n\nloop_\n_rlnImageName #1\n_rlnImagePixelSize #2\n000001@gone.mrcs 2.0\n");
        var r = CliRunner.Run("info", p);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("1 particles in 1 stack(s)", r.Out);
        Assert.Contains("stacks missing: 1 of 1 not found (e.g. gone.mrcs", r.Out);
        Assert.DoesNotContain("valid: every referenced stack exists", r.Out);
    }

    [Fact]
    public void CryoSparcMetadataWithoutItsStacksIsDescribed()
    {
        var r = CliRunner.Run("info", TestData.CryoDrgn("cryosparc_P12_J24_001_particles.cs"));
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("cryoSPARC .cs, 2019 particles in 50 stack(s)", r.Out);
        Assert.Contains("2.95 Å/px", r.Out);
        Assert.Contains("200 kV", r.Out);
        Assert.Contains("poses: yes; CTF: yes", r.Out);
        Assert.Contains("stacks missing: 50 of 50", r.Out);
    }

    [Fact]
    public void PosePickleOfWrongShapeIsReportedAsAPoseProblem()
    {
        // A (rotations, translations) tuple whose translations are (2,5) instead of (5,2): a broken pose file, not "not a CTF pickle".
        string p = Path.Combine(TestData.TempDir("info"), "poses3.pkl");
        File.WriteAllBytes(p, Corpus.Mutate.Bytes(File.ReadAllBytes(TestData.CryoDrgn("pose.star.pkl")), [(byte)'K', 5, (byte)'K', 2, 0x86], [(byte)'K', 2, (byte)'K', 5, 0x86]));
        var r = CliRunner.Run("info", p);
        CliRunner.AssertOneLineError(r, "poses3.pkl");
        Assert.Contains("translations have shape", r.Err);
    }

    [Fact]
    public void StructureWithoutProteinIsOneLine()
    {
        string p = Path.Combine(TestData.TempDir("info"), "water.pdb");
        File.WriteAllText(p, string.Join('\n',
            "HETATM    1  O   HOH A 301      10.000  10.000  10.000  1.00 20.00           O  ",
            "HETATM    2  O   HOH A 302      12.000  10.000  10.000  1.00 20.00           O  ",
            "END", ""));
        var r = CliRunner.Run("info", p);
        CliRunner.AssertOneLineError(r, "water.pdb");
        Assert.Contains("no protein", r.Err);
    }

    [Theory]
    [InlineData("empty.star")]
    [InlineData("empty.mrcs")]
    [InlineData("empty.pdb")]
    public void EmptyFileIsOneLine(string name)
    {
        string p = Path.Combine(TestData.TempDir("info"), name);
        File.WriteAllBytes(p, []);
        var r = CliRunner.Run("info", p);
        CliRunner.AssertOneLineError(r, name);
        Assert.Contains("empty", r.Err);
    }

    [Fact]
    public void BinaryFileGivenAsStarIsOneLine()
    {
        string p = CopyToTemp(TestData.CryoDrgn("hand.5.mrcs"), "x.star");
        var r = CliRunner.Run("info", p);
        CliRunner.AssertOneLineError(r, "x.star");
        Assert.Contains("binary", r.Err);
    }

    [Fact]
    public void UnknownExtensionIsOneLine()
    {
        string p = Path.Combine(TestData.TempDir("info"), "notes.xyz");
        File.WriteAllText(p, "hello\n");
        var r = CliRunner.Run("info", p);
        CliRunner.AssertOneLineError(r, "notes.xyz");
        Assert.Contains(".xyz", r.Err);
    }

    [Fact]
    public void MissingFileIsOneLine() =>
        CliRunner.AssertOneLineError(CliRunner.Run("info", "/nonexistent/where.star"), "where.star");

    [Fact]
    public void PosesFromACsFileWithoutAlignmentsIsOneLine()
    {
        string outDir = TestData.TempDir("info");
        var r = CliRunner.Run("simulate", "--structure", TestData.Structure("1ake.pdb"), "--chains", "A",
            "--select", "A:122-159", "--n-images", "4", "--npix", "32", "--apix", "3",
            "--poses-from", TestData.CryoDrgn("cryosparc_J2_particles_exported.cs"), "--out", outDir);
        CliRunner.AssertOneLineError(r, "cryosparc_J2_particles_exported.cs");
        Assert.Contains("alignments", r.Err);
    }

    // Good input: exit 0 and the key facts.

    [Fact]
    public void RelionStarInfo()
    {
        var r = CliRunner.Run("info", TestData.CryoDrgn("relion31.star"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("RELION 3.1+ STAR, 5 particles in 1 stack(s), 256 px images", r.Out);
        Assert.Contains("2.806 Å/px", r.Out);
        Assert.Contains("300 kV", r.Out);
        Assert.Contains("poses: yes; CTF: yes", r.Out);
        Assert.Contains("valid", r.Out);
    }

    [Fact]
    public void Relion5InfoShowsTheBoxSizeWarning()
    {
        var r = CliRunner.Run("info", TestData.CryoDrgn("relion5.star"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("17 particles in 2 stack(s), 30 px images", r.Out);
        Assert.Contains("warning: optics group 1 says 448 px", r.Out);
    }

    [Fact]
    public void CryoSparcInfoWithItsStackInDataDir()
    {
        // The .cs file's own stack is not in the test data: stand in a blank one of the right shape.
        string cs = TestData.CryoDrgn("cryosparc_J2_particles_exported.cs");
        var meta = CryoSparcCs.Read(cs);
        var locs = meta.GetStrings("blob/path").Zip(meta.GetInts("blob/idx"), (p, i) => (Path: p, Index: i)).ToArray();
        string dir = TestData.TempDir("info");
        foreach (var g in locs.GroupBy(l => l.Path))
        {
            int count = (int)g.Max(l => l.Index) + 1;
            using var w = new MrcStackWriter(Path.Combine(dir, Path.GetFileName(g.Key)), 300, 300, 1.345);
            w.Append(new float[count * 300 * 300]);
            w.Complete();
        }
        var r = CliRunner.Run("info", cs, "--datadir", dir);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("cryoSPARC .cs, 22 particles", r.Out);
        Assert.Contains("300 px images", r.Out);
        Assert.Contains("1.345 Å/px", r.Out);
        Assert.Contains("poses: none; CTF: yes", r.Out);
    }

    [Fact]
    public void PoseAndCtfPickleInfo()
    {
        var poses = CliRunner.Run("info", TestData.CryoDrgn("toy_rot_trans.pkl"));
        Assert.Equal(0, poses.ExitCode);
        Assert.Contains("cryoDRGN poses, 1000 rotations", poses.Out);
        var ctf = CliRunner.Run("info", TestData.CryoDrgn("ctf1.pkl"));
        Assert.Equal(0, ctf.ExitCode);
        Assert.Contains("cryoDRGN CTF table, 5 rows; box 300 px, 1.035 Å/px, 300 kV", ctf.Out);
        Assert.Contains("defocus U 14106.6 – 16061 Å", ctf.Out);
        var sta = CliRunner.Run("info", TestData.CryoDrgn("sta_ctf.pkl"));
        Assert.Equal(0, sta.ExitCode);
        Assert.Contains("219 rows; box 512 px, 1.82 Å/px", sta.Out);
    }

    [Fact]
    public void StackInfo()
    {
        var r = CliRunner.Run("info", TestData.CryoDrgn("hand.5.mrcs"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("MRC image stack, 64×64×5, mode 2", r.Out);
        Assert.Contains("old-style header (no MAP id)", r.Out);
    }

    [Fact]
    public void PdbInfoCountsResiduesPerChain()
    {
        var r = CliRunner.Run("info", TestData.Structure("1ake.pdb"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("428 polymer residues", r.Out);
        Assert.Contains("chain A: 214 residues (1–214)", r.Out);
        Assert.Contains("chain B: 214 residues (1–214)", r.Out);
        Assert.Contains("HETATM residues", r.Out);
    }

    [Fact]
    public void MmCifInfoCountsProteinChains()
    {
        var r = CliRunner.Run("info", TestData.Structure("6C6S.cif"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("chain D: 161 residues", r.Out);
        Assert.Contains("chain I: 1341 residues", r.Out);
        Assert.Contains("chain K: 83 residues", r.Out);
    }

    [Fact]
    public void NpyInfo()
    {
        string p = Path.Combine(TestData.TempDir("info"), "z.npy");
        Npy.Write(p, new float[12], 3, 4);
        var r = CliRunner.Run("info", p);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("shape (3, 4)", r.Out);
    }

    [Fact]
    public void SimulatedParametersYamlInfo()
    {
        string dir = TestData.TempDir("info");
        var sim = CliRunner.Run("simulate", "--structure", TestData.Structure("1ake.pdb"), "--chains", "A",
            "--select", "A:122-159", "--axis", "A:118,A:167", "--n-images", "6", "--npix", "32", "--apix", "3", "--out", dir);
        Assert.True(sim.ExitCode == 0, sim.Err);
        var r = CliRunner.Run("info", Path.Combine(dir, "parameters.yaml"));
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("training configuration 'simulated_hinge'", r.Out);
        Assert.Contains("structure: ", r.Out);
        Assert.Contains("base.pdb", r.Out);
    }
}
