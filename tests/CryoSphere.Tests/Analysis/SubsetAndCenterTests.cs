using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.Tests.Analysis;

public class SubsetAndCenterTests
{
    [Fact]
    public void CsSubsetKeepsChosenRecords()
    {
        string src = TestData.CryoDrgn("cryosparc_P12_J24_001_particles.cs");
        string dir = TestData.TempDir("cs");
        int[] idx = [0, 5, 2018];
        string p = ParticleSubset.Write(src, idx, dir)!;
        var a = CryoSparcCs.Read(src);
        var b = CryoSparcCs.Read(p);
        Assert.Equal(3, b.Count);
        Assert.Equal(a.Fields, b.Fields);
        foreach (var f in new[] { "uid", "ctf/df1_A" })
        {
            var va = f == "uid" ? a.GetInts(f).Select(v => (double)v).ToArray() : a.GetDoubles(f);
            var vb = f == "uid" ? b.GetInts(f).Select(v => (double)v).ToArray() : b.GetDoubles(f);
            Assert.Equal(idx.Select(i => va[i]).ToArray(), vb);
        }
    }

    [Fact]
    public void StarSubsetKeepsOpticsBlock()
    {
        string src = TestData.CryoDrgn("relion31.star");
        string dir = TestData.TempDir("star");
        string p = ParticleSubset.Write(src, [1, 3], dir)!;
        var a = StarFile.Read(src);
        var b = StarFile.Read(p);
        Assert.Equal(a.Blocks.Select(x => x.Name), b.Blocks.Select(x => x.Name));
        Assert.Equal(2, b.ParticlesBlock.Loop!.RowCount);
        Assert.Equal(a.ParticlesBlock.Loop!.Rows[3], b.ParticlesBlock.Loop.Rows[1]);
    }

    [Fact]
    public void CenterWithMapKeepsTheOverlay()
    {
        string dir = TestData.TempDir("center");
        string map = Path.Combine(dir, "map.mrc");
        int n = 16;
        double v = 2.0;
        MrcWriter.WriteVolume(map, new float[n * n * n], n, n, n, v, (10, 20, 30));
        string pdb = TestData.Structure("1ake.pdb");
        var r = CliRunner.Run("center", "--structure", pdb, "--volume", map, "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("(-26.000, -36.000, -46.000)", r.Out);
        var before = StructureReader.Read(pdb).Atoms.ToArray();
        var after = StructureReader.Read(Path.Combine(dir, "structure_centered.pdb")).Atoms.ToArray();
        Assert.Equal(before.Length, after.Length);
        var m = MrcVolume.Read(Path.Combine(dir, "map_centered.mrc"));
        Assert.Equal((-16.0, -16.0, -16.0), m.Origin);
        // Each atom sits at the same fractional voxel position in the old map and the new one.
        for (int i = 0; i < before.Length; i += 97)
        {
            Assert.Equal((before[i].X - 10) / v, (after[i].X - m.Origin.X) / v, 0.001);
            Assert.Equal((before[i].Y - 20) / v, (after[i].Y - m.Origin.Y) / v, 0.001);
            Assert.Equal((before[i].Z - 30) / v, (after[i].Z - m.Origin.Z) / v, 0.001);
        }
        // The map's box centre (voxel 8,8,8) is at coordinate 0.
        Assert.Equal(0.0, m.Origin.X + n / 2 * v, 9);
    }

    [Fact]
    public void CenterWithoutMapMovesTheCentroidToZero()
    {
        string dir = TestData.TempDir("center");
        var r = CliRunner.Run("center", "--structure", TestData.Structure("1ake.pdb"), "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("centroid", r.Out);
        var c = StructureReader.ReadStructure(Path.Combine(dir, "structure_centered.pdb")).Centroid();
        Assert.InRange(Math.Abs(c.X) + Math.Abs(c.Y) + Math.Abs(c.Z), 0, 0.01);
    }

    [Fact]
    public void CenterKeepsMmCifInput()
    {
        string dir = TestData.TempDir("center");
        string cif = TestData.Structure("4AKE.cif");
        var r = CliRunner.Run("center", "--structure", cif, "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err);
        string outPath = Path.Combine(dir, "structure_centered.cif");
        Assert.Equal(StructureReader.Read(cif).AtomCount, StructureReader.Read(outPath).AtomCount);
        var c = StructureReader.ReadStructure(outPath).Centroid();
        Assert.InRange(Math.Abs(c.X) + Math.Abs(c.Y) + Math.Abs(c.Z), 0, 0.01);
        CliRunner.AssertOneLineError(CliRunner.Run("center", "--structure", cif, "--volume", Path.Combine(dir, "none.mrc"), "--out", dir), "map file not found");
    }
}
