using CryoSphere.IO;

namespace CryoSphere.Tests.IO;

public class CryoSparcCsTests
{
    private static readonly string J24 = TestData.CryoDrgn("cryosparc_P12_J24_001_particles.cs");
    private static readonly string J2 = TestData.CryoDrgn("cryosparc_J2_particles_exported.cs");

    [Fact]
    public void RefinementFileHas2019ParticlesOf180PxAt2_95A()
    {
        var cs = CryoSparcCs.Read(J24);
        Assert.Equal(2019, cs.Count);
        Assert.Equal(34, cs.Fields.Count);
        Assert.Equal(2.95, cs.GetPositive("blob/psize_A")[0], 5);
        Assert.Equal(2, cs.FieldWidth("blob/shape"));
        Assert.All(cs.GetInts("blob/shape"), v => Assert.Equal(180, v));
        var paths = cs.GetStrings("blob/path");
        Assert.Equal(2019, paths.Length);
        Assert.Equal(50, paths.Distinct().Count());
        Assert.All(paths, p => Assert.StartsWith("J19/extract/", p));
        Assert.All(cs.GetInts("blob/idx"), i => Assert.True(i >= 0));
        // The particle reader turns the same fields into stacks and pixel size.
        var t = CryoSphere.Data.CryoSparcParticles.Read(J24, new CryoSphere.Data.ParticleOpenOptions { RequirePoses = true });
        Assert.Equal(2019, t.Count);
        Assert.Equal(50, t.StackRefs.Length);
        Assert.Equal(180, t.Optics[0].ImageSize);
        Assert.Equal(2.95, t.Optics[0].PixelSize, 5);
    }

    [Fact]
    public void RefinementFileCtfIsCtffind4At200kV()
    {
        var cs = CryoSparcCs.Read(J24);
        Assert.All(cs.GetStrings("ctf/type"), t => Assert.Equal("ctffind4", t));
        var ctf = cs.ReadCtf(new List<string>())!;
        Assert.Equal(2019, ctf.Length);
        var df1 = cs.GetDoubles("ctf/df1_A");
        var ang = cs.GetDoubles("ctf/df_angle_rad");
        for (int i = 0; i < ctf.Length; i += 97)
        {
            Assert.Equal(200, ctf[i].VoltageKv, 3);
            Assert.Equal(2.0, ctf[i].SphericalAberrationMm, 5);
            Assert.Equal(0.07, ctf[i].AmplitudeContrast, 5);
            Assert.Equal(df1[i], ctf[i].DefocusU);
            Assert.Equal(ang[i] * 180 / Math.PI, ctf[i].DefocusAngleDeg, 9);
            Assert.InRange(ctf[i].DefocusU, 1000, 100000);
            Assert.Equal(0, ctf[i].BFactor);
        }
    }

    [Fact]
    public void RefinementFilePosesAreRawRotationVectorsAndPixelShifts()
    {
        var cs = CryoSparcCs.Read(J24);
        Assert.Equal(3, cs.FieldWidth("alignments3D/pose"));
        Assert.Equal(2, cs.FieldWidth("alignments3D/shift"));
        var w = cs.GetFinite("alignments3D/pose");
        var s = cs.GetFinite("alignments3D/shift");
        Assert.Equal(3 * 2019, w.Length);
        Assert.Equal(2 * 2019, s.Length);
        for (int i = 0; i < 2019; i++)
        {
            double angle = Math.Sqrt(w.Skip(3 * i).Take(3).Sum(v => v * v));
            // cryoSPARC does not wrap its rotation vectors into [0, π], but they stay below a full turn.
            Assert.InRange(angle, 0, 2 * Math.PI);
        }
        Assert.Contains(s, v => v != 0);
        Assert.All(s, v => Assert.InRange(Math.Abs(v), 0, 90));
    }

    [Fact]
    public void ExportedFileHas22ParticlesOf300PxWithPrefixStripped()
    {
        var cs = CryoSparcCs.Read(J2);
        Assert.Equal(22, cs.Count);
        Assert.Equal(42, cs.Fields.Count);
        Assert.Equal(300, cs.GetInts("blob/shape")[0]);
        Assert.Equal(1.345, cs.GetPositive("blob/psize_A")[0], 5);
        var paths = cs.GetStrings("blob/path");
        Assert.All(paths, p => Assert.StartsWith("J1/imported/", p));
        Assert.All(paths, p => Assert.EndsWith("_DW.mrcs", p));
        Assert.True(cs.Has("ctf/bfactor"));
        Assert.True(cs.Has("ctf/anisomag"));
        Assert.Equal(4, cs.FieldWidth("ctf/anisomag"));
        var ctf = cs.ReadCtf(new List<string>())!;
        var bf = cs.GetDoubles("ctf/bfactor");
        var scale = cs.GetDoubles("ctf/scale");
        Assert.Equal(bf[5], ctf[5].BFactor);
        Assert.Equal(scale[5], ctf[5].Scale);
    }

    [Fact]
    public void ExportedFileHasNoAlignments3D()
    {
        var cs = CryoSparcCs.Read(J2);
        Assert.False(cs.Has("alignments3D/pose"));
        Assert.True(cs.Has("alignments2D/pose"));
        var e = Assert.Throws<InputException>(() => CryoSphere.Data.CryoSparcParticles.Read(J2, new CryoSphere.Data.ParticleOpenOptions { RequirePoses = true }));
        Assert.Contains("cryosparc_J2_particles_exported.cs", e.Message);
        Assert.Contains("has no alignments3D/pose", e.Message);
    }

    [Fact]
    public void MissingFieldsAndFilesAreInputErrors()
    {
        var cs = CryoSparcCs.Read(J2);
        Assert.Contains("nope/field", Assert.Throws<InputException>(() => cs.GetDoubles("nope/field")).Message);
        string missing = Path.Combine(TestData.TempDir(), "missing.cs");
        Assert.Contains("missing.cs", Assert.Throws<InputException>(() => CryoSparcCs.Read(missing)).Message);
        string truncated = Path.Combine(TestData.TempDir(), "short.cs");
        File.WriteAllBytes(truncated, File.ReadAllBytes(J2).AsSpan(0, 3000).ToArray());
        var e = Assert.Throws<InputException>(() => CryoSparcCs.Read(truncated));
        Assert.Contains("short.cs", e.Message);
        Assert.Contains("truncated", e.Message);
    }
}
