using System.Collections.Concurrent;

namespace CryoSphere.Data;

/// <summary>One batch of raw images on the host; return it with <see cref="Dispose"/> so its buffer is reused.</summary>
public sealed class HostBatch : IDisposable
{
    private readonly Action<HostBatch> _release;
    internal HostBatch(int capacity, int pixels, Action<HostBatch> release)
    {
        Indices = new int[capacity];
        Images = new float[capacity * pixels];
        _release = release;
    }
    /// <summary>Particle indices (into the dataset) of the first <see cref="Count"/> entries.</summary>
    public int[] Indices { get; }
    /// <summary>Count images of Box² floats each, one after another.</summary>
    public float[] Images { get; }
    public int Count { get; internal set; }
    public void Dispose() => _release(this);
}

/// <summary>
/// Reads batches of images from memory-mapped stacks on a background thread, a few batches ahead.
/// The order of each epoch is a permutation drawn from (seed, epoch) alone, so a resumed run sees
/// exactly the batches it would have seen. Buffers are pooled: host memory does not grow with the
/// number of particles.
/// </summary>
public sealed class BatchLoader
{
    private readonly ParticleDataset _data;
    private readonly int[] _subset;
    private readonly int _batch;
    private readonly int _seed;
    private readonly int _prefetch;
    private readonly ConcurrentBag<HostBatch> _pool = [];
    private readonly RankSlice _slice;

    /// <summary>
    /// <paramref name="batchSize"/> counts the images of the whole job's batch (per-rank batch × ranks under data
    /// parallelism); <paramref name="slice"/> says which part of every batch this process reads (null: all of it).
    /// </summary>
    public BatchLoader(ParticleDataset data, int batchSize, int seed, int[]? subset = null, int prefetch = 3, RankSlice? slice = null)
    {
        if (batchSize < 1) throw new InputException($"batch size must be at least 1 (got {batchSize})");
        _data = data;
        _subset = subset ?? Enumerable.Range(0, data.Count).ToArray();
        _batch = batchSize;
        _seed = seed;
        _prefetch = Math.Max(1, prefetch);
        _slice = slice ?? RankSlice.Whole;
        if (_batch % _slice.Ranks != 0) throw new ArgumentException("the global batch must be a multiple of the ranks");
    }

    /// <summary>Particles visited per epoch: all of them, or the largest multiple of the ranks (see <see cref="RankSlice"/>).</summary>
    private int Visited => _subset.Length - _subset.Length % _slice.Ranks;

    /// <summary>Number of batches per epoch (the last partial batch is kept).</summary>
    public int BatchesPerEpoch => (Visited + _batch - 1) / _batch;

    public int ParticleCount => _subset.Length;

    /// <summary>The order in which <paramref name="epoch"/> visits the particles.</summary>
    public int[] Order(int epoch, bool shuffle)
    {
        var order = (int[])_subset.Clone();
        if (shuffle)
        {
            var rng = new Random(unchecked(_seed * 7919 + epoch * 104729 + 17));
            rng.Shuffle(order);
        }
        return order;
    }

    /// <summary>Yields the batches of one epoch, read ahead on a background thread.</summary>
    public IEnumerable<HostBatch> Epoch(int epoch, bool shuffle = true, CancellationToken ct = default, int skipBatches = 0)
    {
        int[] order = Order(epoch, shuffle);
        int nb = BatchesPerEpoch;
        int pixels = _data.BoxSize * _data.BoxSize;
        using var queue = new BlockingCollection<HostBatch>(_prefetch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                for (int b = skipBatches; b < nb && !stop.IsCancellationRequested; b++)
                {
                    var hb = Rent(pixels);
                    var (start, count) = _slice.Of(b * _batch, Math.Min(_batch, Visited - b * _batch));
                    hb.Count = count;
                    for (int j = 0; j < count; j++)
                    {
                        int p = order[start + j];
                        hb.Indices[j] = p;
                        _data.ReadImage(p, hb.Images.AsSpan(j * pixels, pixels));
                    }
                    queue.Add(hb, stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        })
        { IsBackground = true, Name = "BatchLoader" };
        worker.Start();
        try
        {
            foreach (var hb in queue.GetConsumingEnumerable(CancellationToken.None))
                yield return hb;
            if (failure is not null) throw failure;
        }
        finally
        {
            stop.Cancel();
            worker.Join();
            while (queue.TryTake(out var left)) left.Dispose();
        }
    }

    private HostBatch Rent(int pixels)
    {
        if (_pool.TryTake(out var hb)) return hb;
        return new HostBatch(_batch / _slice.Ranks, pixels, b => _pool.Add(b));
    }
}
