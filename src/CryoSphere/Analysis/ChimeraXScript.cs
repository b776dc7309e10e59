using System.Text;

namespace CryoSphere.Analysis;

/// <summary>chimerax.cxc: opens the segments and the traversals as coordinate-set movies, coloured by segment (B-factor).</summary>
public static class ChimeraXScript
{
    /// <param name="segmentsFile">The segments structure, relative to the analysis folder.</param>
    /// <param name="traversals">Traversal files relative to the analysis folder (e.g. pc1/traversal.pdb).</param>
    /// <param name="steps">Models per traversal.</param>
    /// <param name="segments">Number of segments (B-factors run 1…segments).</param>
    public static string Build(string segmentsFile, IReadOnlyList<string> traversals, int steps, int segments)
    {
        var sb = new StringBuilder();
        string range = $"range 1,{Math.Max(2, segments)}";
        sb.Append("# ChimeraX: open chimerax.cxc (from this folder). B-factor = segment id (1-based).\n");
        sb.Append($"open {segmentsFile}\n");
        sb.Append($"color byattribute bfactor #1 palette paired {range}\n");
        for (int i = 0; i < traversals.Count; i++)
        {
            int m = i + 2;
            sb.Append($"# PC{i + 1} traversal as a movie of {steps} coordinate sets\n");
            sb.Append($"open {traversals[i]} coordsets true\n");
            sb.Append($"color byattribute bfactor #{m} palette paired {range}\n");
            if (i > 0) sb.Append($"hide #{m} models\n");
        }
        sb.Append("hide #1 models\n");
        if (traversals.Count > 0) sb.Append($"coordset #2 1,{steps}\n");
        sb.Append("view\n");
        return sb.ToString();
    }
}
