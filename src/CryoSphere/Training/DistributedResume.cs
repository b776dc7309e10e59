namespace CryoSphere.Training;

/// <summary>
/// Resuming with another number of data-parallel ranks: from an epoch's end any count works (the per-rank batch
/// is kept, so the batch per step changes and the run log says so); a mid-epoch checkpoint counts its position
/// in batches of the old global size, which another count cannot continue exactly, so that is refused.
/// </summary>
internal static class DistributedResume
{
    /// <summary>A note for run.log when the count changed, null when not; throws for a mid-epoch checkpoint.</summary>
    public static string? Check(RunFolder folder, CheckpointMeta meta, int ranks)
    {
        int was = Math.Max(1, meta.Ranks);
        if (was == ranks) return null;
        if (meta.Batch > 0)
            throw new InputException(folder.Root, $"the newest checkpoint was written in the middle of epoch {meta.Epoch + 1} by {was} rank(s); resume it with {was} rank(s) (the batch per step must stay {meta.BatchSize * was} to continue that epoch exactly)");
        return $"ranks changed from {was} to {ranks}: batch {meta.BatchSize} per rank, now {meta.BatchSize * ranks} per step (was {meta.BatchSize * was})";
    }
}
