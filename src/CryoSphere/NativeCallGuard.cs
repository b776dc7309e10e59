using System.Runtime;

namespace CryoSphere;

/// <summary>
/// Keeps the garbage collector from running while a block of TorchSharp calls is in flight.
/// TorchSharp 0.107 turns a double into a native Scalar for `tensor * 2.0` and friends and leaves
/// it to the finalizer; a collection triggered by another thread during the native call can free
/// that Scalar while libtorch still reads it ("Unknown scalar type", seen once per few hundred
/// training steps). Within a no-GC region nothing is finalised, so the race cannot happen; between
/// blocks the collector runs as usual. The region is process-wide, so nested or concurrent blocks
/// share one region (reference-counted).
/// </summary>
public readonly struct NativeCallGuard : IDisposable
{
    private static readonly object Gate = new();
    private static int _depth;
    private static bool _ownRegion;
    private static int _regions;

    // Back-to-back no-GC regions never let the collector hand memory back: RSS grew ~13 MiB per epoch
    // (bench train --memory). A full collection every so many regions, while no block is in flight, keeps it flat.
    private const int CollectEvery = 50;

    private readonly bool _entered;

    private NativeCallGuard(bool entered) => _entered = entered;

    /// <summary>Enters (or joins) a no-GC region able to absorb <paramref name="budgetBytes"/> of managed allocation.</summary>
    public static NativeCallGuard Enter(long budgetBytes = 64L << 20)
    {
        lock (Gate)
        {
            if (_depth++ == 0)
            {
                try
                {
                    _ownRegion = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(budgetBytes);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
                {
                    _ownRegion = false;
                }
            }
            return new NativeCallGuard(true);
        }
    }

    public void Dispose()
    {
        if (!_entered) return;
        lock (Gate)
        {
            if (--_depth > 0 || !_ownRegion) return;
            _ownRegion = false;
            // The region ends by itself if the blocks allocated more than the budget; then there is nothing to end.
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            if (++_regions % CollectEvery == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
    }
}
