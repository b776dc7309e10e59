using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// Resuming from the newest checkpoint that loads: a truncated or damaged newest file (a crash during a
/// copy, a disk error) costs one epoch with a warning instead of stopping the run.
/// </summary>
internal static class CheckpointFallback
{
    public static (string Path, CheckpointMeta Meta) LoadNewestIntact(RunFolder folder, IReadOnlyList<string> candidates,
        nn.Module model, OptimizerHelper optimizer, Generator generator, Action<string> warn)
    {
        var problems = new List<string>();
        foreach (var c in candidates)
        {
            try
            {
                var meta = Checkpoint.Load(c, model, optimizer, generator);
                if (problems.Count > 0)
                    warn($"resuming from {Path.GetFileName(c)}: newer checkpoint(s) could not be read: {string.Join("; ", problems)}");
                return (c, meta);
            }
            catch (InputException e)
            {
                problems.Add($"{Path.GetFileName(c)}: {Problem(e, c)}");
            }
        }
        throw new InputException(folder.Root, $"no intact checkpoint to resume from ({string.Join("; ", problems)})");
    }

    /// <summary>The message without the leading file name (it is named once already).</summary>
    private static string Problem(InputException e, string path) =>
        e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;

    /// <summary>
    /// The checkpoint records the seed and batch size it was written with; config.yaml edited by hand to other
    /// values would make the mid-epoch position and the random stream mean something else, so refuse.
    /// </summary>
    public static void CheckRecorded(RunFolder folder, CheckpointMeta meta, TrainOptions o, int particles)
    {
        if (meta.Particles > 0 && meta.Particles != particles)
            throw new InputException(o.ParticlesPath, $"now gives {particles} particles but the run was trained on {meta.Particles}; the data changed under the run");
        if (o.Seed is { } s && meta.Seed != s)
            throw new InputException(folder.Config, $"seed is {s} but the checkpoint was written with seed {meta.Seed}; a resumed run must keep its seed");
        if (meta.BatchSize > 0 && meta.BatchSize != o.BatchSize)
            throw new InputException(folder.Config, $"batch_size is {o.BatchSize} but the checkpoint was written with batch size {meta.BatchSize}; a resumed run must keep its batch size");
    }
}
