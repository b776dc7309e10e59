using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.View;

/// <summary>
/// A lasso or box drawn on the scatter, turned into particles and written like <c>analyze --select</c>:
/// selected.star/.cs (<see cref="ParticleSubset"/>) and selected_indices.txt, in a new numbered folder.
/// </summary>
public static class SelectionExport
{
    public sealed record Result(int Count, string Folder, string? File);

    /// <summary>
    /// Indices of the latents whose PC coordinates (<paramref name="pcX"/>, <paramref name="pcY"/>, 0-based) lie inside
    /// <paramref name="polygon"/> (even-odd rule; a box is a polygon of four corners).
    /// </summary>
    public static int[] Inside(ViewSession s, int pcX, int pcY, IReadOnlyList<(double X, double Y)> polygon)
    {
        int l = s.LatentDim;
        double x0 = polygon.Min(p => p.X), x1 = polygon.Max(p => p.X), y0 = polygon.Min(p => p.Y), y1 = polygon.Max(p => p.Y);
        var r = new List<int>();
        for (int i = 0; i < s.Count; i++)
        {
            double x = s.Pcs[i * l + pcX], y = s.Pcs[i * l + pcY];
            if (x < x0 || x > x1 || y < y0 || y > y1) continue;
            bool inside = false;
            for (int a = 0, b = polygon.Count - 1; a < polygon.Count; b = a++)
            {
                var (xa, ya) = polygon[a];
                var (xb, yb) = polygon[b];
                if ((ya > y) != (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa) inside = !inside;
            }
            if (inside) r.Add(i);
        }
        return r.ToArray();
    }

    /// <summary>Writes the selection under <paramref name="root"/>/selection_NNN (the next free number).</summary>
    public static Result Write(ViewSession s, int[] indices, string root)
    {
        Directory.CreateDirectory(root);
        string dir;
        for (int k = 1; ; k++)
        {
            dir = Path.Combine(root, $"selection_{k:000}");
            // CreateDirectory succeeds on an existing folder, so claim the number by a folder that did not exist.
            if (!Directory.Exists(dir)) { Directory.CreateDirectory(dir); break; }
        }
        AtomicFile.WriteText(Path.Combine(dir, "selected_indices.txt"), w => { foreach (var i in indices) w.WriteLine(i.ToString(CultureInfo.InvariantCulture)); });
        string? file = s.ParticlesLinked ? ParticleSubset.Write(s.Run.Setup.Data.Table.SourcePath, indices, dir) : null;
        return new Result(indices.Length, dir, file);
    }
}
