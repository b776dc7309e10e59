using System.Collections;
using System.Globalization;
using System.Reflection;

namespace CryoSphere.Training;

/// <summary>
/// What a resumed run may change. Settings that only decide how or how long the run goes on (epochs,
/// threads, device, checkpoints kept, logging) may change and are logged; every other setting shapes
/// the run (seed, batch size, data, model, losses) and a change would silently make a different run
/// (a larger batch even skips the rest of the epoch in progress), so it is refused.
/// </summary>
public static class ResumeSettings
{
    private static readonly HashSet<string> MayChange = new(StringComparer.Ordinal)
    {
        nameof(TrainOptions.Epochs), nameof(TrainOptions.Threads), nameof(TrainOptions.Device),
        nameof(TrainOptions.KeepCheckpoints), nameof(TrainOptions.LogInterval), nameof(TrainOptions.OutDir),
        nameof(TrainOptions.StopOnPlateau), nameof(TrainOptions.MinSteps), nameof(TrainOptions.PlateauTolerance),
        nameof(TrainOptions.PlateauFrom), nameof(TrainOptions.PlateauWindowEpochs), nameof(TrainOptions.PlateauLatentGrowth),
    };

    private static readonly HashSet<string> PathSettings = new(StringComparer.Ordinal)
    {
        nameof(TrainOptions.BaseStructurePath), nameof(TrainOptions.ParticlesPath), nameof(TrainOptions.DataDir),
        nameof(TrainOptions.ResumeModel), nameof(TrainOptions.ResumeSegmentation),
    };

    /// <summary>The allowed changes as "name: old → new"; throws <see cref="InputException"/> naming the first forbidden one.</summary>
    public static IReadOnlyList<string> Check(string runDir, TrainOptions recorded, TrainOptions requested)
    {
        var allowed = new List<string>();
        foreach (var p in typeof(TrainOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object? a = p.GetValue(recorded), b = p.GetValue(requested);
            if (Same(p.Name, a, b)) continue;
            string change = $"{p.Name}: {Show(a)} → {Show(b)}";
            if (MayChange.Contains(p.Name)) { allowed.Add(change); continue; }
            throw new InputException(runDir, $"--resume cannot change {p.Name} ({Show(a)} → {Show(b)}): it would make a different run; start a new one with --out");
        }
        return allowed;
    }

    private static bool Same(string name, object? a, object? b)
    {
        if (PathSettings.Contains(name) && a is string sa && b is string sb)
            return string.Equals(Path.GetFullPath(sa), Path.GetFullPath(sb), StringComparison.Ordinal);
        if (Equals(a, b)) return true;
        // Lists (hidden sizes, milestones, segmentation parts) compare by content.
        if (a is IEnumerable ea && b is IEnumerable eb && a is not string)
            return ea.Cast<object?>().SequenceEqual(eb.Cast<object?>());
        return false;
    }

    private static string Show(object? v) => v switch
    {
        null => "unset",
        string s => s,
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
