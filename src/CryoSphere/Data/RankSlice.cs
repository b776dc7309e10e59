namespace CryoSphere.Data;

/// <summary>
/// Rank <see cref="Rank"/> of <see cref="Ranks"/> in data-parallel training: every rank walks the same seeded
/// permutation in the same global batches and reads its own contiguous, equal share of each. Equal shares make
/// the mean of the ranks' per-batch means the mean over the global batch, so averaged gradients equal one
/// process's. An epoch therefore visits the largest multiple of <see cref="Ranks"/> particles (at most K − 1
/// of them wait for a later epoch's permutation); with one rank nothing changes.
/// </summary>
public sealed record RankSlice(int Rank, int Ranks)
{
    public static readonly RankSlice Whole = new(0, 1);

    /// <summary>This rank's (start, count) in the order, for a global batch of <paramref name="count"/> images at <paramref name="start"/>.</summary>
    public (int Start, int Count) Of(int start, int count)
    {
        int per = count / Ranks;
        return (start + Rank * per, per);
    }
}
