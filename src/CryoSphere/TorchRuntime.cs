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

    /// <summary>Sets libtorch's intra-op thread count; 0 means one per core. The count is process-wide.</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 0) throw new InputException($"threads must be 0 (all cores) or more (got {threads})");
        torch.set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
    }
}
