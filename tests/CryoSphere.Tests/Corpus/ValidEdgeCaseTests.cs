using System.Buffers.Binary;
using CryoSphere.Data;
using CryoSphere.IO;

namespace CryoSphere.Tests.Corpus;

/// <summary>Unusual but valid inputs (CRLF, BOM, float16 stacks, altlocs, insertion codes) work, and defaults are reported.</summary>
public class ValidEdgeCaseTests
{
    private static string Shared => Path.Combine(TestData.Root, "cryodrgn");

    private static ParticleTable Table(string star) =>
        ParticleDataset.Open(star, new ParticleOpenOptions { DataDir = Shared, ValidateImages = false }).Table;

    [Theory]
    [InlineData("crlf")]
    [InlineData("bom")]
    [InlineData("bom+crlf")]
    public void StarWithWindowsLineEndingsOrBomReadsTheSame(string variant)
    {
        string text = File.ReadAllText(TestData.CryoDrgn("relion31.star"));
        if (variant.Contains("crlf", StringComparison.Ordinal)) text = Mutate.Crlf(text);
        byte[] bytes = variant.Contains("bom", StringComparison.Ordinal) ? Mutate.WithBom(text) : System.Text.Encoding.UTF8.GetBytes(text);
        string p = Path.Combine(TestData.TempDir("edge"), "relion31.star");
        File.WriteAllBytes(p, bytes);
        var r = CliRunner.Run("info", p, "--datadir", Shared);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("5 particles in 1 stack(s), 256 px images", r.Out);
        var a = Table(TestData.CryoDrgn("relion31.star"));
        var b = Table(p);
        Assert.Equal(a.Rotations, b.Rotations);
        Assert.Equal(a.ShiftsA, b.ShiftsA);
        Assert.Equal(a.Ctf, b.Ctf);
        Assert.Equal(a.ImageNames, b.ImageNames);
    }

    [Fact]
    public void YamlWithCrlfAndBomReads()
    {
        string p = Path.Combine(TestData.TempDir("edge"), "parameters.yaml");
        File.WriteAllBytes(p, Mutate.WithBom(Mutate.Crlf("name: \"x\"\nbatch_size: 16\nN_epochs: 3\n")));
        var o = CryoSphere.Training.TrainConfigReader.Read(p);
        Assert.Equal(16, o.BatchSize);
        Assert.Equal(3, o.Epochs);
    }

    [Fact]
    public void Float16StackReadsAsItsFloat32Original()
    {
        // hand.5.mrcs re-encoded as MRC mode 12 (IEEE half): same header otherwise.
        byte[] src = File.ReadAllBytes(TestData.CryoDrgn("hand.5.mrcs"));
        int n = 64 * 64 * 5;
        var half = new byte[1024 + 2 * n];
        src.AsSpan(0, 1024).CopyTo(half);
        BinaryPrimitives.WriteInt32LittleEndian(half.AsSpan(12), 12);
        for (int i = 0; i < n; i++)
            BinaryPrimitives.WriteHalfLittleEndian(half.AsSpan(1024 + 2 * i), (Half)BinaryPrimitives.ReadSingleLittleEndian(src.AsSpan(1024 + 4 * i)));
        string dir = TestData.TempDir("edge");
        File.WriteAllBytes(Path.Combine(dir, "hand16.mrcs"), half);
        string star = Path.Combine(dir, "hand16.star");
        File.WriteAllText(star, "data_particles\nloop_\n_rlnImageName\n_rlnImagePixelSize\n_rlnVoltage\n_rlnSphericalAberration\n_rlnAmplitudeContrast\n" +
            string.Concat(Enumerable.Range(1, 5).Select(i => $"{i}@hand16.mrcs 1.0 300 2.7 0.1\n")));
        var r = CliRunner.Run("info", star);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("5 particles in 1 stack(s), 64 px images", r.Out);
        using var ds16 = ParticleDataset.Open(star);
        using var ds32 = ParticleDataset.Open(TestData.CryoDrgn("hand.5.mrcs"));
        var a = new float[64 * 64];
        var b = new float[64 * 64];
        ds16.ReadImage(3, a);
        ds32.ReadImage(3, b);
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], Math.Max(1e-3f, Math.Abs(b[i]) * 1e-3f));
    }

    private const string Ca = "ATOM  {0,5}  CA {1}ALA A{2,4}{3}   {4,8:F3}{5,8:F3}{6,8:F3}{7,6:F2} 20.00           C  ";

    private static string Atom(int serial, char altloc, int resSeq, char icode, double x, double occ = 1.0) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Ca, serial, altloc, resSeq, icode, x, 0.0, 0.0, occ);

    [Fact]
    public void InsertionCodesAreDistinctResidues()
    {
        string p = Path.Combine(TestData.TempDir("edge"), "icode.pdb");
        File.WriteAllText(p, string.Join("\r\n", Atom(1, ' ', 51, ' ', 0), Atom(2, ' ', 52, ' ', 3.8), Atom(3, ' ', 52, 'A', 7.6), Atom(4, ' ', 53, ' ', 11.4), "END", ""));
        var r = CliRunner.Run("info", p);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("4 polymer residues", r.Out);
        var s = StructureReader.ReadStructure(p);
        Assert.Equal(4, s.Count);
    }

    [Fact]
    public void AlternateCalphaLocationsGiveOneResidue()
    {
        string p = Path.Combine(TestData.TempDir("edge"), "altloc.pdb");
        File.WriteAllText(p, string.Join("\n", Atom(1, ' ', 1, ' ', 0), Atom(2, 'A', 2, ' ', 3.8, 0.6), Atom(3, 'B', 2, ' ', 4.1, 0.4), Atom(4, ' ', 3, ' ', 7.6), "END", ""));
        var r = CliRunner.Run("info", p);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("3 polymer residues", r.Out);
        var s = StructureReader.ReadStructure(p);
        Assert.Equal(3, s.Count);
        Assert.Equal(3.8f, s.Coordinates[3], 3);
    }

    [Fact]
    public void MissingOpticsValuesAndOriginsAreWarnedAbout()
    {
        string text = File.ReadAllText(TestData.CryoDrgn("relion31.star"));
        foreach (var c in new[] { "rlnVoltage", "rlnSphericalAberration", "rlnAmplitudeContrast" }) text = Mutate.StarDropColumn(text, "optics", c);
        foreach (var c in new[] { "rlnOriginXAngst", "rlnOriginYAngst" }) text = Mutate.StarDropColumn(text, "particles", c);
        string p = Path.Combine(TestData.TempDir("edge"), "bare.star");
        File.WriteAllText(p, text);
        var r = CliRunner.Run("info", p, "--datadir", Shared);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("warning: no _rlnVoltage column: assuming 300 kV", r.Out);
        Assert.Contains("warning: no _rlnSphericalAberration column: assuming 2.7 mm", r.Out);
        Assert.Contains("warning: no _rlnAmplitudeContrast column: assuming 0.1", r.Out);
        Assert.Contains("shifts taken as zero", r.Out);
        // The complete file warns about nothing.
        Assert.DoesNotContain("warning", CliRunner.Run("info", TestData.CryoDrgn("relion31.star")).Out);
    }

    [Fact]
    public void BareStackWithoutPixelSizeIsWarnedAbout()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("hand.5.mrcs"));
        Assert.Contains(ds.Table.Warnings, w => w.Contains("no pixel size given", StringComparison.Ordinal) && w.Contains("stack header", StringComparison.Ordinal));
        using var given = ParticleDataset.Open(TestData.CryoDrgn("hand.5.mrcs"), new ParticleOpenOptions { PixelSize = 2.5 });
        Assert.Empty(given.Table.Warnings);
    }

    [Fact]
    public void CryoSparcShiftsUseTheAlignmentPixelSize()
    {
        // Re-extracted at another pixel size after refinement: alignments3D/shift is in the refinement's pixels.
        string cs = TestData.CryoDrgn("cryosparc_P12_J24_001_particles.cs");
        var rec = Npy.ReadRecords(cs);
        double blob = rec.GetDoubles("blob/psize_A")[0];
        byte[] bytes = File.ReadAllBytes(cs);
        long start = bytes.Length - (long)rec.Count * rec.ItemSize;
        int off = rec.Field("alignments3D/psize_A").Offset;
        for (int i = 0; i < rec.Count; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)(start + (long)i * rec.ItemSize + off)), (float)(2 * blob));
        string p = Path.Combine(TestData.TempDir("edge"), "rebinned.cs");
        File.WriteAllBytes(p, bytes);
        var o = new ParticleOpenOptions { ValidateImages = false };
        var a = CryoSparcParticles.Read(cs, o);
        var b = CryoSparcParticles.Read(p, o);
        double[] shifts = rec.GetDoubles("alignments3D/shift");
        int k = Array.FindIndex(shifts, v => Math.Abs(v) > 0.5);
        Assert.True(k >= 0);
        Assert.Equal(shifts[k] * blob, a.ShiftsA![k], 3);
        Assert.Equal(shifts[k] * 2 * blob, b.ShiftsA![k], 3);
    }
}
