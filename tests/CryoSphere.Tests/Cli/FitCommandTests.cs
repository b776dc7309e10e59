using CryoSphere.IO;

namespace CryoSphere.Tests.Cli;

public class FitCommandTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    /// <summary>
    /// `volume --center` renders chain A about its centroid; fitting the file as it is (far from the box) must bring
    /// chain A's Cα onto the centred coordinates, and move chain B with it rigidly (every atom moves).
    /// </summary>
    [Fact]
    public void FitsTheStructureIntoItsOwnCentredMapAndMovesEveryAtom()
    {
        TorchSharp.torch.set_num_threads(1);   // libtorch's default (all cores) on a shared machine
        string dir = TestData.TempDir("fit-cli");
        string map = Path.Combine(dir, "map.mrc"), fitted = Path.Combine(dir, "fitted.pdb");
        var v = CliRunner.Run("volume", "--structure", Ake, "--chains", "A", "--center", "--npix", "32", "--apix", "3", "--out", map);
        Assert.True(v.ExitCode == 0, v.Err);
        var r = CliRunner.Run("fit", "--structure", Ake, "--map", map, "--chains", "A", "--rotations", "600", "--out", fitted);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("correlation", r.Out);
        Assert.True(File.Exists(Path.Combine(dir, "fitted.transform.json")));

        var s = StructureReader.ReadStructure(Ake, ["A"]);
        var c = s.Centroid();
        var f = StructureReader.ReadStructure(fitted, ["A"]);
        double sum = 0;
        for (int i = 0; i < s.Count; i++)
        {
            double dx = f.Coordinates[3 * i] - (s.Coordinates[3 * i] - c.X), dy = f.Coordinates[3 * i + 1] - (s.Coordinates[3 * i + 1] - c.Y), dz = f.Coordinates[3 * i + 2] - (s.Coordinates[3 * i + 2] - c.Z);
            sum += dx * dx + dy * dy + dz * dz;
        }
        Assert.True(Math.Sqrt(sum / s.Count) < 1.0, $"Cα RMSD {Math.Sqrt(sum / s.Count):F3} Å");

        // Rigid: the distance from chain B's first atom to chain A's first atom is unchanged, and chain B moved.
        var before = Pdb.Read(Ake).Atoms.ToList();
        var after = Pdb.Read(fitted).Atoms.ToList();
        Assert.Equal(before.Count, after.Count);
        Atom a0 = before[0], a1 = after[0], bLast0 = before[^1], bLast1 = after[^1];
        Assert.Equal(Dist(a0, bLast0), Dist(a1, bLast1), 3);
        Assert.True(Dist(bLast0, bLast1) > 1, "the last atom (chain B / ligands) must move with the fit");
    }

    private static double Dist(Atom p, Atom q) => Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y) + (p.Z - q.Z) * (p.Z - q.Z));

    [Fact]
    public void MissingMapIsOneLineWithExitCode2()
    {
        string dir = TestData.TempDir("fit-cli");
        var r = CliRunner.Run("fit", "--structure", Ake, "--map", Path.Combine(dir, "none.mrc"), "--out", Path.Combine(dir, "f.pdb"));
        CliRunner.AssertOneLineError(r, "none.mrc");
        Assert.Equal(2, r.ExitCode);
    }
}
