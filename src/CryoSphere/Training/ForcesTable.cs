using System.Diagnostics;
using CryoSphere.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// The encoder's forces input (<see cref="BatchObjective"/>, <c>encoder_input: forces</c>) of every particle, computed
/// once and kept on the host. The forces depend on the particle's image, pose, CTF and shift and on the base structure,
/// never on the model, so a step can gather them instead of rendering the base structure forward and backward again
/// (docs/training-defaults.md §18). Built in particle order in fixed batches, so a resumed run builds the same table.
/// </summary>
public sealed class ForcesTable : IDisposable
{
    // Batch of the building pass: fixed (not the run's batch size) so the table does not depend on the training settings.
    private const int BuildBatch = 64;
    private readonly Tensor table;     // (rows, 3R) float32 on the host
    private readonly Tensor rowOf;     // (particles in the dataset) long: row of each particle, −1 where not in the table
    private readonly long[] rowOfHost;

    /// <summary>Rows held (particles).</summary>
    public int Count { get; }

    /// <summary>Bytes the table takes.</summary>
    public long Bytes { get; }

    /// <summary>Seconds the building pass took.</summary>
    public double Seconds { get; }

    private ForcesTable(Tensor table, long[] rowOfHost, int count, int residues, double seconds)
    {
        Bytes = BytesFor(count, residues);
        this.table = table;
        this.rowOfHost = rowOfHost;
        rowOf = tensor(rowOfHost).DetachFromDisposeScope();
        Count = count;
        Seconds = seconds;
    }

    /// <summary>The bytes a table of <paramref name="particles"/> particles of <paramref name="residues"/> residues takes.</summary>
    public static long BytesFor(int particles, int residues) => (long)particles * 3 * residues * sizeof(float);

    /// <summary>
    /// Computes the forces of <paramref name="particles"/> (dataset indices) with <paramref name="objective"/>, reading
    /// their images in that order; null when <paramref name="ct"/> stopped it.
    /// </summary>
    public static ForcesTable? Build(BatchObjective objective, TrainingSetup setup, int[] particles, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        int width = 3 * setup.Structure.Count;
        var rowOfHost = new long[setup.Particles.Count];
        Array.Fill(rowOfHost, -1L);
        // Owned by the table, whatever dispose scope the caller has open.
        Tensor table = empty([particles.Length, width], ScalarType.Float32).DetachFromDisposeScope();
        try
        {
            var loader = new BatchLoader(setup.Particles, BuildBatch, 0, particles);
            int row = 0;
            foreach (var pb in PreparedBatch.Each(objective, loader.Epoch(0, shuffle: false, ct)))
            {
                using var _ = pb;
                using var forces = objective.ComputeForces(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf);
                using var rows = table.narrow(0, row, pb.Count);
                rows.copy_(forces);
                for (int j = 0; j < pb.Count; j++) rowOfHost[pb.HostIndices[j]] = row + j;
                row += pb.Count;
            }
            if (ct.IsCancellationRequested)
            {
                table.Dispose();
                return null;
            }
            if (row != particles.Length) throw new InvalidOperationException($"forces table: {row} of {particles.Length} particles read");
        }
        catch
        {
            table.Dispose();
            throw;
        }
        return new ForcesTable(table, rowOfHost, particles.Length, setup.Structure.Count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The forces of the particles <paramref name="indices"/> (dataset indices, any device) on <paramref name="device"/>;
    /// null when one of them is not in the table.
    /// </summary>
    public Tensor? Gather(Tensor indices, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor rows = rowOf.index_select(0, indices.cpu());
        if (rows.min().ToInt64() < 0) return null;
        return table.index_select(0, rows).to(device).MoveToOuterDisposeScope();
    }

    /// <summary>The first <paramref name="rows"/> rows (a view of the table, host).</summary>
    public Tensor Sample(int rows) => table.narrow(0, 0, Math.Min(rows, Count));

    /// <summary>Whether particle <paramref name="index"/> (dataset index) is in the table.</summary>
    public bool Holds(int index) => index >= 0 && index < rowOfHost.Length && rowOfHost[index] >= 0;

    public void Dispose()
    {
        table.Dispose();
        rowOf.Dispose();
    }
}
