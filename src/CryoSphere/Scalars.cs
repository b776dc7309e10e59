using TorchSharp;

namespace CryoSphere;

/// <summary>
/// Native Scalars for constants used in hot loops, made once and never freed. TorchSharp 0.107 turns a
/// double into a new native Scalar for <c>tensor * 2.0</c> and leaves it to the finalizer, which can free it
/// while libtorch still reads it when a collection runs during the call; a cached Scalar stays rooted.
/// For values that change per step (loss weights), create the Scalar with <c>using</c> instead.
/// </summary>
public static class Scalars
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<double, Scalar> Cache = new();

    /// <summary>The cached Scalar of a constant (use only for a bounded set of values).</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());
}
