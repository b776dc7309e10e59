using System.Globalization;
using CryoSphere.IO;

namespace CryoSphere.Training;

/// <summary>The layout of a training run's folder (docs/design.md) and its small text files.</summary>
public sealed class RunFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Config => Path.Combine(Root, "config.yaml");
    public string Log => Path.Combine(Root, "run.log");
    public string Metrics => Path.Combine(Root, "metrics.csv");
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    public string Latest => Path.Combine(Checkpoints, "latest");

    public string EpochCheckpoint(int epochsDone) => Path.Combine(Checkpoints, $"epoch_{epochsDone.ToString("D4", CultureInfo.InvariantCulture)}.ckpt");

    public void Create()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Checkpoints);
    }

    /// <summary>The newest checkpoint, from <c>latest</c> (a file naming it), or null.</summary>
    public string? LatestCheckpoint()
    {
        if (!File.Exists(Latest)) return null;
        string name = File.ReadAllText(Latest).Trim();
        string p = Path.Combine(Checkpoints, name);
        return File.Exists(p) ? p : null;
    }

    /// <summary>The checkpoint written after epoch <paramref name="epoch"/> (1-based), or the newest when null.</summary>
    public string CheckpointFor(int? epoch)
    {
        if (epoch is { } e)
        {
            string p = EpochCheckpoint(e);
            if (!File.Exists(p)) throw new InputException(p, $"no checkpoint for epoch {e} in {Root}");
            return p;
        }
        return LatestCheckpoint() ?? throw new InputException(Root, "no checkpoint found: is this a training run folder?");
    }

    /// <summary>
    /// Runs <paramref name="load"/> on the newest checkpoint and returns its path with the result. A run still
    /// training may write a newer checkpoint and prune (<c>--keep</c>) the one <c>latest</c> named between reading
    /// the name and opening the file; then the newer one is taken, as the caller asked for the newest.
    /// </summary>
    public (string Path, T Result) LoadNewest<T>(Func<string, T> load, int attempts = 5)
    {
        for (int i = 1; ; i++)
        {
            string p = CheckpointFor(null);
            try
            {
                return (p, load(p));
            }
            catch (InputException) when (i < attempts && !File.Exists(p) && LatestCheckpoint() is { } now && now != p)
            {
                // The file vanished under us and a newer one is named: try that.
            }
        }
    }

    public void SetLatest(string checkpointPath) => AtomicFile.WriteAllText(Latest, Path.GetFileName(checkpointPath) + "\n", durable: true);

    /// <summary>Deletes all but the newest <paramref name="keep"/> epoch checkpoints (0 = keep all).</summary>
    public void Prune(int keep)
    {
        if (keep <= 0) return;
        var files = Directory.GetFiles(Checkpoints, "epoch_*.ckpt").Order(StringComparer.Ordinal).ToList();
        string? latest = LatestCheckpoint();
        foreach (var f in files.Take(Math.Max(0, files.Count - keep)))
            if (f != latest) File.Delete(f);
    }

    /// <summary>
    /// Checkpoints to try when resuming, best first: the one <c>latest</c> names, then every other epoch or
    /// interrupted checkpoint from the newest position back, so a damaged newest file falls back to an older one.
    /// </summary>
    public IReadOnlyList<string> CheckpointCandidates()
    {
        var all = Directory.Exists(Checkpoints) ? Directory.GetFiles(Checkpoints, "*.ckpt") : [];
        var ordered = all.OrderByDescending(Position).ThenByDescending(f => f, StringComparer.Ordinal).ToList();
        if (LatestCheckpoint() is { } l)
        {
            ordered.Remove(l);
            ordered.Insert(0, l);
        }
        return ordered;
    }

    /// <summary>(epochs done, batch) from a checkpoint's name: epoch_0007 = (7, 0); interrupted_epoch_0008_batch_00012 = (7, 12).</summary>
    private static (int, int) Position(string file)
    {
        var parts = Path.GetFileNameWithoutExtension(file).Split('_');
        int Num(string key) => Array.IndexOf(parts, key) is var i and >= 0 && i + 1 < parts.Length && int.TryParse(parts[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0;
        return parts[0] == "interrupted" ? (Num("epoch") - 1, Num("batch")) : (Num("epoch"), 0);
    }

    /// <summary>Removes temporary files a killed writer left (AtomicFile names them .NAME.PID.GUID.tmp).</summary>
    public int CleanTemporaries()
    {
        int n = 0;
        foreach (var dir in new[] { Root, Checkpoints })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir, ".*.tmp"))
            {
                try { File.Delete(f); n++; } catch (IOException) { }
            }
        }
        return n;
    }

    /// <summary>Deletes interrupted (mid-epoch) checkpoints other than <paramref name="keep"/>: an epoch checkpoint after them supersedes them.</summary>
    public void DeleteInterrupted(string? keep)
    {
        if (!Directory.Exists(Checkpoints)) return;
        foreach (var f in Directory.GetFiles(Checkpoints, "interrupted_*.ckpt"))
            if (f != keep) File.Delete(f);
    }

    public void AppendLog(string line)
    {
        File.AppendAllText(Log, $"{DateTime.Now:yyyy-MM-dd HH:mm:ss} {line}\n");
    }
}
