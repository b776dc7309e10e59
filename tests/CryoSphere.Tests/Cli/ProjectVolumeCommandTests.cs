using CryoSphere.IO;
using CryoSphere.Simulation;

namespace CryoSphere.Tests.Cli;

public class ProjectVolumeCommandTests
{
    [Fact]
    public void VolumeIsBoxCentredWithACompleteHeader()
    {
        string dir = TestData.TempDir("vol");
        string pdb = Path.Combine(dir, "one.pdb");
        // Two residues at known places: the map's centre of mass is their amplitude-weighted mean.
        File.WriteAllText(pdb,
            "ATOM      1  CA  GLY A   1       4.000   0.000   0.000  1.00  0.00           C\n" +
            "ATOM      2  CA  GLY A   2      -4.000   6.000   2.000  1.00  0.00           C\nEND\n");
        string map = Path.Combine(dir, "v.mrc");
        var r = CliRunner.Run("volume", "--structure", pdb, "--npix", "32", "--apix", "1.5", "--out", map);
        Assert.True(r.ExitCode == 0, r.Err);
        var v = MrcVolume.Read(map);
        Assert.Equal((32, 32, 32), (v.Nx, v.Ny, v.Nz));
        Assert.Equal(1.5, v.VoxelSize, 5);
        Assert.Equal(-16 * 1.5, v.Origin.X, 4);
        Assert.True(v.Header.HasMapId);
        double sx = 0, sy = 0, sz = 0, sum = 0;
        for (int k = 0; k < 32; k++)
            for (int j = 0; j < 32; j++)
                for (int i = 0; i < 32; i++)
                {
                    double d = v.Data[(k * 32 + j) * 32 + i];
                    sum += d; sx += d * (v.Origin.X + i * 1.5); sy += d * (v.Origin.Y + j * 1.5); sz += d * (v.Origin.Z + k * 1.5);
                }
        Assert.Equal(0.0, sx / sum, 2);
        Assert.Equal(3.0, sy / sum, 2);
        Assert.Equal(1.0, sz / sum, 2);
    }

    [Fact]
    public void ProjectionsWithCtfAndShiftEqualTheSimulatorsCleanImages()
    {
        string sim = TestData.TempDir("proj");
        Simulator.Run(new SimulationOptions
        {
            StructurePath = TestData.Structure("1ake.pdb"), Chains = ["A"], Motion = "hinge", Selections = ["A:122-159"],
            Axis = "A:118,A:167", States = [0], NImages = 12, Npix = 32, Apix = 3, Snr = null, ShiftMax = 4, Seed = 5, OutDirValue = sim,
        });
        string outPath = Path.Combine(sim, "proj.mrcs");
        var r = CliRunner.Run("project", "--structure", Path.Combine(sim, "base.pdb"), "--particles", Path.Combine(sim, "particles.star"),
            "--ctf", "--shift", "--first", "7", "--out", outPath);
        Assert.True(r.ExitCode == 0, r.Err);
        using var a = MrcStack.Open(outPath);
        using var b = MrcStack.Open(Path.Combine(sim, "particles.mrcs"));
        Assert.Equal(7, a.Count);
        var x = new float[32 * 32];
        var y = new float[32 * 32];
        for (int i = 0; i < 7; i++)
        {
            a.ReadImage(i, x);
            b.ReadImage(i, y);
            double num = 0, den = 0;
            for (int p = 0; p < x.Length; p++) { num += (x[p] - y[p]) * (x[p] - y[p]); den += y[p] * y[p]; }
            Assert.True(Math.Sqrt(num / den) < 1e-4, $"image {i}: relative difference {Math.Sqrt(num / den)}");
        }
    }

    [Fact]
    public void BadArgumentsAreOneLineErrors()
    {
        string dir = TestData.TempDir("proj");
        CliRunner.AssertOneLineError(CliRunner.Run("volume", "--structure", Path.Combine(dir, "none.pdb"), "--npix", "16", "--apix", "1", "--out", Path.Combine(dir, "v.mrc")), "none.pdb");
        CliRunner.AssertOneLineError(CliRunner.Run("volume", "--structure", TestData.Structure("1ake.pdb"), "--npix", "16", "--apix", "0", "--out", Path.Combine(dir, "v.mrc")), "--apix");
        CliRunner.AssertOneLineError(CliRunner.Run("project", "--structure", TestData.Structure("1ake.pdb"), "--particles", TestData.CryoDrgn("cryosparc_J2_particles_exported.cs"), "--out", Path.Combine(dir, "p.mrcs")), "alignments");
    }
}
