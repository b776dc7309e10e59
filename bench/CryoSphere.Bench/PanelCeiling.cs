using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Simulation;

namespace CryoSphere.Bench;

/// <summary>The per-image information ceiling of a panel dataset (<see cref="InformationCeiling"/>), per coordinate, cached in ceiling.txt.</summary>
internal static class PanelCeiling
{
    public static double[] Cached(string sim, int images)
    {
        string p = Path.Combine(sim, "ceiling.txt");
        if (File.Exists(p))
            return File.ReadAllText(p).Trim().Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var r = InformationCeiling.Compute(SimulationTruth.Open(sim), images).R;
        File.WriteAllText(p, string.Join(",", r.Select(x => x.ToString("R", CultureInfo.InvariantCulture))));
        return r;
    }
}
