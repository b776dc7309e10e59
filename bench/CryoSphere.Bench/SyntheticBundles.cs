using System.Globalization;
using System.Text;

namespace CryoSphere.Bench;

/// <summary>
/// A synthetic 408-residue Cα model: two ideal 4-helix bundles (47-residue helices, 4-residue loops) side by
/// side, joined by an 8-residue linker — a protein unlike the demo's, where half the chain can hinge.
/// </summary>
internal static class SyntheticBundles
{
    public static string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "bundles.pdb");
        if (File.Exists(path)) return path;
        var b1 = Bundle(-13);
        var b2 = Bundle(13);
        var all = b1.Concat(Loop(b1[^1], b2[0], 8)).Concat(b2).ToList();
        var sb = new StringBuilder();
        for (int i = 0; i < all.Count; i++)
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"ATOM  {i + 1,5}  CA  ALA A{i + 1,4}    {all[i].X,8:F3}{all[i].Y,8:F3}{all[i].Z,8:F3}  1.00  0.00           C\n"));
        sb.Append("END\n");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static List<(double X, double Y, double Z)> Bundle(double cx)
    {
        const int helixLength = 47;
        double half = 1.5 * (helixLength - 1) / 2;
        (double dx, double dy)[] corners = [(-5, -5), (5, -5), (5, 5), (-5, 5)];
        var res = new List<(double, double, double)>();
        for (int h = 0; h < 4; h++)
        {
            bool up = h % 2 == 0;
            var helix = Enumerable.Range(0, helixLength).Select(i =>
            {
                double t = 100.0 * i * Math.PI / 180 + h;
                return (cx + corners[h].dx + 2.3 * Math.Cos(t), corners[h].dy + 2.3 * Math.Sin(t), up ? -half + 1.5 * i : half - 1.5 * i);
            }).ToList();
            if (res.Count > 0) res.AddRange(Loop(res[^1], helix[0], 4));
            res.AddRange(helix);
        }
        return res;
    }

    private static IEnumerable<(double X, double Y, double Z)> Loop((double X, double Y, double Z) a, (double X, double Y, double Z) b, int n) =>
        Enumerable.Range(1, n).Select(j => (a.X + (b.X - a.X) * j / (n + 1), a.Y + (b.Y - a.Y) * j / (n + 1), a.Z + (b.Z - a.Z) * j / (n + 1)));
}
