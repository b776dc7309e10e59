using CryoSphere.IO;

namespace CryoSphere.View;

/// <summary>Decoded structures as PDB text for the page's 3D viewer, B-factor = segment (1-based), as analyze writes them.</summary>
public static class StructureText
{
    /// <summary>One model per structure in <paramref name="coords"/> (count × R × 3); MODEL records when more than one.</summary>
    public static string Pdb(Structure s, float[] coords, int count, float[] segments)
    {
        int per = s.Count * 3;
        var w = new StringWriter();
        for (int i = 0; i < count; i++)
        {
            if (count > 1) w.WriteLine($"MODEL     {i + 1,4}");
            PdbFormat.WriteAtoms(w, s.ToAtomicModel(coords.AsSpan(i * per, per).ToArray(), segments), "decoded structure");
            if (count > 1) w.WriteLine("ENDMDL");
        }
        w.WriteLine("END");
        return w.ToString();
    }
}
