using System.Globalization;

namespace CryoSphere.Bench;

/// <summary>One panel result: a member, a seed, its ceiling and what the defaults reached.</summary>
internal sealed record PanelRow(string Member, int Seed, double Ceiling, double AbsR, double BestR, double? Segmentation,
    int Epochs, double Minutes, double ImagesPerSecond, double KlLatent);

/// <summary>panel.csv (one row per member and seed, newest wins) and the summary table printed from it.</summary>
internal static class PanelTable
{
    private const string Header = "member,seed,ceiling,abs_r_pc1,best_abs_r,segmentation,epochs,minutes,images_per_s,kl_latent";

    public static void Append(string csv, PanelRow r)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        if (!File.Exists(csv)) File.WriteAllText(csv, Header + "\n");
        File.AppendAllText(csv, string.Create(CultureInfo.InvariantCulture,
            $"{r.Member},{r.Seed},{r.Ceiling:F4},{r.AbsR:F4},{r.BestR:F4},{(r.Segmentation is { } s ? s.ToString("F4", CultureInfo.InvariantCulture) : "")},{r.Epochs},{r.Minutes:F2},{r.ImagesPerSecond:F0},{r.KlLatent:F2}\n"));
    }

    public static IReadOnlyList<PanelRow> Read(string csv)
    {
        if (!File.Exists(csv)) return [];
        var rows = new Dictionary<(string, int), PanelRow>();
        foreach (var line in File.ReadLines(csv).Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split(',');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            var r = new PanelRow(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), D(2), D(3), D(4), f[5].Length > 0 ? D(5) : null,
                int.Parse(f[6], CultureInfo.InvariantCulture), D(7), D(8), D(9));
            rows[(r.Member, r.Seed)] = r;
        }
        return rows.Values.ToList();
    }

    /// <summary>Markdown table: per member the ceiling, |r| per seed, mean r/ceiling, worst r/ceiling, segmentation, minutes, images/s.</summary>
    public static void Print(string csv)
    {
        var rows = Read(csv);
        Console.WriteLine("| dataset | ceiling | abs(r) PC1 per seed | mean r/ceiling | worst r/ceiling | segmentation | epochs | minutes | images/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var g in rows.GroupBy(r => r.Member).OrderBy(g => PanelMembers.All.ToList().FindIndex(m => m.Name == g.Key)))
        {
            var s = g.OrderBy(r => r.Seed).ToList();
            string seeds = string.Join(" / ", s.Select(r => r.AbsR.ToString("F3", CultureInfo.InvariantCulture)));
            double mean = s.Average(r => r.AbsR / r.Ceiling), worst = s.Min(r => r.AbsR / r.Ceiling);
            string seg = s.All(r => r.Segmentation is null) ? "–" : s.Where(r => r.Segmentation is not null).Average(r => r.Segmentation!.Value).ToString("F3", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {g.Key} | {s.Average(r => r.Ceiling):F3} | {seeds} | {mean:F2} | {worst:F2} | {seg} | {s.Average(r => r.Epochs):F0} | {s.Average(r => r.Minutes):F1} | {s.Average(r => r.ImagesPerSecond):F0} |"));
        }
    }
}
