using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Simulation;
using CryoSphere.IO;

namespace CryoSphere.Tests.Analysis;

public class CoordinateRecoveryTests
{
    /// <summary>A truth.csv with two angles, as independent hinges write it.</summary>
    private static TruthTable TwoAngles(double[] a1, double[] a2)
    {
        string p = Path.Combine(TestData.TempDir("truth"), "truth.csv");
        var lines = new List<string> { "index,angle_deg_1,angle_deg_2,rot,tilt,psi,shift_x_A,shift_y_A,defocus_u,defocus_v,defocus_angle" };
        for (int i = 0; i < a1.Length; i++)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{i},{a1[i]:R},{a2[i]:R},0,0,0,0,0,10000,10000,0"));
        File.WriteAllLines(p, lines);
        return TruthTable.Read(p);
    }

    [Fact]
    public void EachAngleIsFoundInItsOwnDirectionAndByTheLinearFit()
    {
        const int n = 300, l = 4;
        var rng = new Random(7);
        var a1 = Enumerable.Range(0, n).Select(_ => -45 + 90 * rng.NextDouble()).ToArray();
        var a2 = Enumerable.Range(0, n).Select(_ => -20 + 30 * rng.NextDouble()).ToArray();
        // Latents: angle 1 on z1 (large spread), angle 2 mixed into z2 and z3 (smaller), z4 small noise.
        var z = new float[n * l];
        for (int i = 0; i < n; i++)
        {
            z[i * l] = (float)(a1[i] / 10);
            z[i * l + 1] = (float)((a2[i] + 5) / 20);
            z[i * l + 2] = (float)((a2[i] + 5) / 20 + 0.3 * (rng.NextDouble() - 0.5));
            z[i * l + 3] = (float)(0.01 * (rng.NextDouble() - 0.5));
        }
        var truth = TwoAngles(a1, a2);
        var ceiling = new CeilingResult(["angle_deg_1", "angle_deg_2"], n, 225, [0.95, 0.8], null, [], []);
        var c = CoordinateRecovery.Compute(z, n, l, truth, ceiling);
        Assert.Equal(["angle_deg_1", "angle_deg_2"], c.Select(x => x.Name));
        Assert.Equal(1, c[0].BestPc);
        Assert.Equal(2, c[1].BestPc);
        Assert.True(c[0].BestAbsR > 0.999 && c[1].BestAbsR > 0.97, $"{c[0].BestAbsR} {c[1].BestAbsR}");
        // Both angles are exact linear functions of z (a2 of z2 alone).
        Assert.Equal(1.0, c[0].LinearFitR, 5);
        Assert.Equal(1.0, c[1].LinearFitR, 5);
        Assert.Equal(c[1].BestAbsR / 0.8, c[1].RatioToCeiling!.Value, 12);
        Assert.Equal(0.95, c[0].CeilingR);
        // Independent computation of |r| of the best PC.
        var pcs = Pca.Fit(z, n, l).Transform(z, n, l);
        Assert.Equal(Math.Abs(Statistics.Pearson(Enumerable.Range(0, n).Select(i => pcs[i * l]).ToArray(), a1)), c[0].BestAbsR, 12);
    }

    [Fact]
    public void OldSingleCoordinateTruthStillReads()
    {
        string p = Path.Combine(TestData.TempDir("truth"), "truth.csv");
        File.WriteAllLines(p, ["index,angle_deg,rot,tilt,psi,shift_x_A,shift_y_A,defocus_u,defocus_v,defocus_angle", "1,2.5,0,0,0,0,0,1,1,0", "0,-1,0,0,0,0,0,1,1,0"]);
        var t = TruthTable.Read(p);
        Assert.Equal(["angle_deg"], t.Names);
        Assert.Equal([-1.0, 2.5], t.Columns[0]);
        File.WriteAllLines(p, ["index,angle_deg,rot", "0,x,0"]);
        var e = Assert.Throws<InputException>(() => TruthTable.Read(p));
        Assert.Contains("angle_deg", e.Message);
    }
}
