using TorchSharp;

namespace CryoSphere;

/// <summary>
/// Chooses the compute device and thread count once per process. "auto" takes CUDA when the
/// loaded libtorch has it, so a CUDA build needs only a different libtorch package.
/// </summary>
public static class TorchRuntime
{
    /// <summary>Resolves "auto" | "cpu" | "cuda" | "cuda:N" (also the reference tool's "GPU"/"CPU").</summary>
    public static torch.Device ResolveDevice(string? name)
    {
        string n = (name ?? "auto").Trim().ToLowerInvariant();
        switch (n)
        {
            case "auto":
            case "gpu":
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            case "cpu":
                return torch.CPU;
            default:
                if (n.StartsWith("cuda", StringComparison.Ordinal))
                {
                    if (!torch.cuda.is_available())
                        throw new InputException($"--device {name}: CUDA is not available in this build or on this machine (use --device cpu or auto)");
                    return new torch.Device(n);
                }
                throw new InputException($"--device {name}: unknown device (use auto, cpu or cuda)");
        }
    }

    /// <summary>Throws <see cref="InputException"/> when <paramref name="name"/> is not a usable device here (checked
    /// before a long run starts).</summary>
    public static void CheckDevice(string? name) => ResolveDevice(name);

    /// <summary>libtorch's thread count and whether CUDA is usable, one line (for <c>cryosphere version</c>).</summary>
    public static string Describe() => $"libtorch threads: {torch.get_num_threads()}, cuda available: {torch.cuda.is_available()}";

    /// <summary>
    /// Sets libtorch's intra-op thread count; 0 means <see cref="AutoThreads"/>. The count is process-wide.
    /// </summary>
    public static void SetThreads(int threads)
    {
        if (threads < 0) throw new InputException($"threads must be 0 (all cores) or more (got {threads})");
        torch.set_num_threads(threads > 0 ? threads : AutoThreads());
    }

    /// <summary>
    /// The thread count "auto" (0) stands for: one per core, except on machines with at most two cores, where one.
    /// Measured on our shared 2-core machines (bench train --case small --threads 1|2, interleaved): one thread ran
    /// 4.6× faster than two, since libtorch's OpenMP workers spin-wait for a core that another process holds.
    /// </summary>
    public static int AutoThreads() => Environment.ProcessorCount <= 2 ? 1 : Environment.ProcessorCount;
}
