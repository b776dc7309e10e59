using CryoSphere.Data;
using CryoSphere.IO;

namespace CryoSphere.Tests.Data;

public class ParticleDatasetTests
{
    private static readonly ParticleOpenOptions MetadataOnly = new() { ValidateImages = false };

    [Fact]
    public void Relion31StarHasFiveParticlesWithOpticsCtfAndShiftsFromTheFile()
    {
        string path = TestData.CryoDrgn("relion31.star");
        using var ds = ParticleDataset.Open(path);
        var t = ds.Table;
        Assert.Equal("RELION 3.1+ STAR", t.Format);
        Assert.Equal(5, ds.Count);
        Assert.Equal(256, ds.BoxSize);
        Assert.Equal(2.806, ds.PixelSize, 1e-9);
        Assert.True(ds.HasImages);
        var g = Assert.Single(t.Optics);
        Assert.Equal(300, g.VoltageKv, 1e-9);
        Assert.Equal(0.01, g.SphericalAberrationMm, 1e-9);
        Assert.Equal(0.1, g.AmplitudeContrast, 1e-9);
        Assert.Empty(t.Warnings);

        var rows = StarFile.Read(path).ParticlesBlock.Loop!;
        Assert.NotNull(t.Ctf);
        Assert.NotNull(t.ShiftsA);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(rows.GetDouble(i, "rlnDefocusU"), t.Ctf![i].DefocusU, 1e-9);
            Assert.Equal(rows.GetDouble(i, "rlnDefocusV"), t.Ctf[i].DefocusV, 1e-9);
            Assert.Equal(rows.GetDouble(i, "rlnDefocusAngle"), t.Ctf[i].DefocusAngleDeg, 1e-9);
            Assert.Equal(300, t.Ctf[i].VoltageKv, 1e-9);
            Assert.Equal(rows.GetDouble(i, "rlnOriginXAngst"), t.ShiftsA![2 * i], 1e-6);
            Assert.Equal(rows.GetDouble(i, "rlnOriginYAngst"), t.ShiftsA[2 * i + 1], 1e-6);
            Assert.Equal(i, t.StackIndex[i]);
            var expected = CryoSphere.Geometry.Rotations.FromRelionEuler(
                rows.GetDouble(i, "rlnAngleRot"), rows.GetDouble(i, "rlnAngleTilt"), rows.GetDouble(i, "rlnAnglePsi"));
            for (int k = 0; k < 9; k++) Assert.Equal(expected[k], t.Rotations![9 * i + k], 1e-6);
        }
        Assert.Equal(13108.082418, t.Ctf![0].DefocusU, 1e-6);
        Assert.Equal(0.019324, t.ShiftsA![0], 1e-6);
    }

    [Fact]
    public void Relion31WithBlocksReversedGivesTheSameTable()
    {
        using var a = ParticleDataset.Open(TestData.CryoDrgn("relion31.star"));
        using var b = ParticleDataset.Open(TestData.CryoDrgn("relion31.v2.star"));
        Assert.Equal(a.Count, b.Count);
        Assert.Equal(a.BoxSize, b.BoxSize);
        Assert.Equal(a.Table.Optics, b.Table.Optics);
        Assert.Equal(a.Table.ImageNames, b.Table.ImageNames);
        Assert.Equal(a.Table.StackIndex, b.Table.StackIndex);
        Assert.Equal(a.Table.Rotations, b.Table.Rotations);
        Assert.Equal(a.Table.ShiftsA, b.Table.ShiftsA);
        Assert.Equal(a.Table.Ctf, b.Table.Ctf);
    }

    [Fact]
    public void Relion5StarSpansTwoStacksAndWarnsAboutTheBoxSize()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("relion5.star"));
        var t = ds.Table;
        Assert.Equal(17, ds.Count);
        Assert.Equal(2, ds.StackPaths.Count);
        Assert.Equal(30, ds.BoxSize);
        Assert.Equal(0.89, ds.PixelSize, 1e-9);
        Assert.Equal(100, t.Optics[0].VoltageKv, 1e-9);
        Assert.Equal(11, t.StackId.Count(id => ds.StackPaths[id].EndsWith("toy_images_a.mrcs", StringComparison.Ordinal)));
        Assert.Equal(6, t.StackId.Count(id => ds.StackPaths[id].EndsWith("toy_images_b.mrcs", StringComparison.Ordinal)));
        Assert.All(t.StackIndex, k => Assert.InRange(k, 0, 10));
        var w = Assert.Single(t.Warnings);
        Assert.Contains("448", w);
        Assert.Contains("30", w);
    }

    [Fact]
    public void ToyProjectionsDirStarHasOneThousandParticlesInTwoStacks()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("toy_projections_dir.star"));
        var t = ds.Table;
        Assert.Equal(1000, ds.Count);
        Assert.Equal(2, ds.StackPaths.Count);
        Assert.Equal(30, ds.BoxSize);
        Assert.EndsWith("toy_images_b.mrcs", ds.StackPaths[t.StackId[0]]);
        Assert.EndsWith("toy_images_a.mrcs", ds.StackPaths[t.StackId[900]]);
        Assert.Equal(899, t.StackIndex[899]);
        Assert.Equal(0, t.StackIndex[900]);
        Assert.Equal(99, t.StackIndex[999]);
    }

    [Fact]
    public void ToyStarIsAPre31TableWithPhaseShift90()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("toy.star"));
        var t = ds.Table;
        Assert.Equal("RELION 3.0 STAR", t.Format);
        Assert.Equal(1000, ds.Count);
        Assert.Equal(30, ds.BoxSize);
        Assert.Null(t.Rotations);
        Assert.Equal(1.0, ds.PixelSize, 1e-12);
        Assert.Contains("assuming 1 Å/px", Assert.Single(t.Warnings));
        Assert.NotNull(t.Ctf);
        Assert.All(t.Ctf!, c =>
        {
            Assert.Equal(90, c.PhaseShiftDeg, 1e-9);
            Assert.Equal(300, c.VoltageKv, 1e-9);
            Assert.Equal(0.001, c.SphericalAberrationMm, 1e-9);
            Assert.Equal(0.1, c.AmplitudeContrast, 1e-9);
            Assert.Equal(0, c.DefocusU, 1e-9);
        });
    }

    [Fact]
    public void PfCrtPosesMatchCryoDrgnsPickleOfTheSameFile()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("FinalRefinement-OriginalParticles-PfCRT.star"), MetadataOnly);
        var t = ds.Table;
        Assert.Equal(5, ds.Count);
        Assert.False(ds.HasImages);
        Assert.Equal(1.035, ds.PixelSize, 1e-9);
        Assert.Equal(300, t.Optics[0].VoltageKv, 1e-9);
        var rows = StarFile.Read(TestData.CryoDrgn("FinalRefinement-OriginalParticles-PfCRT.star")).ParticlesBlock.Loop!;
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(rows.GetDouble(i, "rlnOriginX") * 1.035, t.ShiftsA![2 * i], 1e-5);
            Assert.Equal(rows.GetDouble(i, "rlnOriginY") * 1.035, t.ShiftsA[2 * i + 1], 1e-5);
        }

        var pkl = CryoDrgnPickle.ReadPoses(TestData.CryoDrgn("pose.star.pkl"));
        Assert.Equal(5, pkl.Count);
        for (int i = 0; i < 45; i++) Assert.True(Math.Abs(pkl.Rotations[i] - t.Rotations![i]) <= 1e-6, $"rotation entry {i}: {pkl.Rotations[i]} vs {t.Rotations[i]}");
        for (int i = 0; i < 10; i++) Assert.Equal(pkl.Translations[i] * 300 * 1.035, t.ShiftsA![i], 1e-5);
    }

    [Fact]
    public void SubtomogramStarRotationsMatchCryoDrgnsPickle()
    {
        using var ds = ParticleDataset.Open(TestData.CryoDrgn("sta_testing_bin8.star"));
        var t = ds.Table;
        Assert.Equal(219, ds.Count);
        Assert.Equal(64, ds.BoxSize);
        Assert.Equal(1.96, ds.PixelSize, 1e-9);
        var pkl = CryoDrgnPickle.ReadPoses(TestData.CryoDrgn("sta_pose.pkl"));
        Assert.Equal(219, pkl.Count);
        double worst = 0;
        for (int i = 0; i < 9 * 219; i++) worst = Math.Max(worst, Math.Abs(pkl.Rotations[i] - t.Rotations![i]));
        Assert.True(worst <= 1e-5, $"largest rotation difference {worst}");
    }

    [Fact]
    public void CryoSparcRefinementRotationIsTheTransposedRodriguesMatrix()
    {
        string path = TestData.CryoDrgn("cryosparc_P12_J24_001_particles.cs");
        using var ds = ParticleDataset.Open(path, MetadataOnly with { RequirePoses = true });
        var t = ds.Table;
        Assert.Equal("cryoSPARC .cs", t.Format);
        Assert.Equal(2019, ds.Count);
        Assert.Equal(2.95, ds.PixelSize, 1e-5);
        Assert.Equal(180, ds.BoxSize);
        Assert.NotNull(t.Rotations);
        Assert.NotNull(t.Ctf);

        var cs = CryoSparcCs.Read(path);
        double[] w = cs.GetDoubles("alignments3D/pose"), s = cs.GetDoubles("alignments3D/shift");
        foreach (int i in new[] { 0, 1234 })
        {
            // By hand: R_rod = cosθ I + sinθ [k]× + (1 − cosθ) k kᵀ, and ours is its transpose.
            double wx = w[3 * i], wy = w[3 * i + 1], wz = w[3 * i + 2];
            double th = Math.Sqrt(wx * wx + wy * wy + wz * wz);
            double[] k = [wx / th, wy / th, wz / th];
            double c = Math.Cos(th), sn = Math.Sin(th);
            double[,] kx = { { 0, -k[2], k[1] }, { k[2], 0, -k[0] }, { -k[1], k[0], 0 } };
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                {
                    double rod = (a == b ? c : 0) + sn * kx[a, b] + (1 - c) * k[a] * k[b];
                    Assert.Equal(rod, t.Rotations![9 * i + 3 * b + a], 1e-5);
                }
            Assert.Equal(s[2 * i] * 2.95, t.ShiftsA![2 * i], 1e-4);
            Assert.Equal(s[2 * i + 1] * 2.95, t.ShiftsA[2 * i + 1], 1e-4);
        }
    }

    [Fact]
    public void CryoSparcFileWithoutAlignmentsFailsWhenPosesAreRequired()
    {
        var e = Assert.Throws<InputException>(() =>
            ParticleDataset.Open(TestData.CryoDrgn("cryosparc_J2_particles_exported.cs"), MetadataOnly with { RequirePoses = true }));
        Assert.Contains("alignments3D", e.Message);
    }

    [Fact]
    public void BareStackTakesPosesFromThePickleAndRejectsAShortCtfPickle()
    {
        string stack = TestData.CryoDrgn("toy_projections.mrcs");
        string poses = TestData.CryoDrgn("toy_rot_trans.pkl");
        using (var ds = ParticleDataset.Open(stack, new ParticleOpenOptions { PosesPath = poses, RequirePoses = true }))
        {
            Assert.Equal(1000, ds.Count);
            Assert.Equal(30, ds.BoxSize);
            var pkl = CryoDrgnPickle.ReadPoses(poses);
            for (int i = 0; i < 9 * 1000; i += 37) Assert.Equal(pkl.Rotations[i], ds.Table.Rotations![i], 1e-6);
            for (int i = 0; i < 2 * 1000; i += 13) Assert.Equal(pkl.Translations[i] * 30 * ds.PixelSize, ds.Table.ShiftsA![i], 1e-4);
        }
        var e = Assert.Throws<InputException>(() => ParticleDataset.Open(stack,
            new ParticleOpenOptions { PosesPath = poses, CtfPath = TestData.CryoDrgn("test_ctf.100.pkl") }));
        Assert.Contains("100", e.Message);
        Assert.Contains("1000", e.Message);
    }

    [Fact]
    public void BareStackWithoutPicklesFailsWhenPosesAreRequired()
    {
        var e = Assert.Throws<InputException>(() =>
            ParticleDataset.Open(TestData.CryoDrgn("hand.5.mrcs"), new ParticleOpenOptions { RequirePoses = true }));
        Assert.Contains("hand.5.mrcs", e.Message);
        Assert.Contains("poses", e.Message);
    }

    [Fact]
    public void IndexBeyondTheStackNamesTheParticleAndItsLine()
    {
        string star = BadIndexStar();
        var e = Assert.Throws<InputException>(() => ParticleDataset.Open(star));
        Assert.Contains("particle 3 (line 9)", e.Message);
        Assert.Contains("image 9", e.Message);
    }

    [Fact]
    public void MissingStackIsNamed()
    {
        string dir = TestData.TempDir("data");
        string star = Path.Combine(dir, "p.star");
        File.WriteAllText(star, "data_particles\n\nloop_\n_rlnImageName #1\n_rlnImagePixelSize #2\n000001@nowhere.mrcs 2.0\n");
        var e = Assert.Throws<InputException>(() => ParticleDataset.Open(star));
        Assert.Contains("nowhere.mrcs", e.Message);
        Assert.Contains("particle 1", e.Message);
    }

    /// <summary>A STAR file whose third row (line 9) asks for image 9 of a 5-image copy of relion31.mrcs.</summary>
    internal static string BadIndexStar()
    {
        string dir = TestData.TempDir("data");
        File.Copy(TestData.CryoDrgn("relion31.mrcs"), Path.Combine(dir, "relion31.mrcs"));
        string star = Path.Combine(dir, "bad.star");
        File.WriteAllText(star, string.Join('\n',
            "data_particles",
            "",
            "loop_",
            "_rlnImageName #1",
            "_rlnImagePixelSize #2",
            "_rlnDefocusU #3",
            "000001@relion31.mrcs 2.806 10000",
            "000002@relion31.mrcs 2.806 10000",
            "000009@relion31.mrcs 2.806 10000",
            "000004@relion31.mrcs 2.806 10000",
            ""));
        return star;
    }
}
