using System.Runtime;

namespace CryoSphere;

/// <summary>
/// Keeps the garbage collector from running while a block of TorchSharp calls is in flight.
/// TorchSharp 0.107 turns a double into a native Scalar for `tensor * 2.0` and friends and leaves
/// it to the finalizer; a collection triggered by another thread during the native call can free
/// that Scalar while libtorch still reads it ("Unknown scalar type", seen once per few hundred
/// training steps). Within a no-GC region nothing is finalised, so the race cannot happen; between
/// blocks the collector runs as usual.
/// </summary>
public readonly struct NativeCallGuard : IDisposable
{
    private readonly bool _active;

    private NativeCallGuard(bool active) => _active = active;

    /// <summary>Enters a no-GC region able to absorb <paramref name="budgetBytes"/> of managed allocation.</summary>
    public static NativeCallGuard Enter(long budgetBytes = 64L << 20)
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return new NativeCallGuard(false);
        try
        {
            return new NativeCallGuard(GC.TryStartNoGCRegion(budgetBytes));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            return new NativeCallGuard(false);
        }
    }

    public void Dispose()
    {
        // The region ends by itself if the block allocated more than its budget; then there is nothing to end.
        if (_active && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            GC.EndNoGCRegion();
    }
}
