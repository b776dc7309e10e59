using System.Diagnostics;
using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// Forward+backward throughput of the Gaussian projection (full and truncated) at B = 128, N = 128 for
/// R = 1500 and 14000 residues, next to a plain 2048² matmul measured in the same run.
/// Options: --iters K (timed iterations, default 3), --threads T, --device NAME, --chunk C (images per
/// forward/backward pass, default 32, bounds memory), --apix A (default 2.5), --sigma S (default 2),
/// --residues 1500,14000 and --modes Full,Truncated to run a subset, --amp-grad false for constant amplitudes (as in training).
/// </summary>
public static class ProjectionBench
{
    public static int Run(string[] args)
    {
        int iters = IntOption(args, "--iters", 3), threads = IntOption(args, "--threads", 0), chunk = IntOption(args, "--chunk", 32);
        double apix = DoubleOption(args, "--apix", 2.5), sigma = DoubleOption(args, "--sigma", 2);
        Device device = TorchRuntime.ResolveDevice(StringOption(args, "--device") ?? "auto");
        TorchRuntime.SetThreads(threads);
        int b = IntOption(args, "--batch", 128), n = IntOption(args, "--npix", 128);
        var grid = new ImageGrid(n, apix);
        Console.WriteLine($"device {device}, threads {get_num_threads()}, B {b}, N {n}, apix {apix}, sigma {sigma}, " +
                          $"window {GaussianRenderer.WindowWidth(sigma, apix)} px, auto picks {GaussianRenderer.Choose(RenderMode.Auto, sigma, grid)}");
        Console.WriteLine($"matmul 2048x2048 float32: {MatmulGflops(device, Math.Min(iters, 3)):F1} GFLOP/s");
        Console.WriteLine("R       mode        images/CPU-s   effective GFLOP/s   CPU s/iteration");
        int[] sizes = (StringOption(args, "--residues") ?? "1500,14000").Split(',').Select(int.Parse).ToArray();
        RenderMode[] modes = (StringOption(args, "--modes") ?? "Full,Truncated").Split(',').Select(Enum.Parse<RenderMode>).ToArray();
        foreach (int r in sizes)
            foreach (RenderMode mode in modes)
            {
                double seconds = TimeProjection(device, grid, b, r, sigma, mode, iters, chunk, StringOption(args, "--amp-grad") != "false");
                // Effective work = the dense separable algorithm's three matmuls (forward + two backward).
                double gflop = 3.0 * 2 * b * (double)n * n * r / 1e9;
                Console.WriteLine($"{r,-7} {mode,-10} {b / seconds,9:F1}   {gflop / seconds,17:F1}   {seconds,11:F3}");
            }
        return 0;
    }

    // ampGrad false: constant amplitudes, as in training (the table folds them in).
    private static double TimeProjection(Device device, ImageGrid grid, int b, int r, double sigma, RenderMode mode, int iters, int chunk, bool ampGrad)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        double box = grid.N * grid.Apix;
        Tensor coords = ((rand(b, r, 3, device: device) - 0.5) * box).requires_grad_(true);
        Tensor amps = ones(r, device: device).requires_grad_(ampGrad);
        Tensor target = randn(b, grid.N, grid.N, device: device);
        void Step()
        {
            for (int start = 0; start < b; start += chunk)
            {
                using var inner = NewDisposeScope();
                int len = Math.Min(chunk, b - start);
                Tensor img = GaussianRenderer.Project(coords.narrow(0, start, len), amps, sigma, grid, mode);
                (img * target.narrow(0, start, len)).sum().backward();
            }
            coords.grad?.zero_();
            amps.grad?.zero_();
            if (device.type == DeviceType.CUDA) cuda.synchronize();
        }
        Step();
        // CPU time of the process, not wall time: on a shared machine it does not count time spent waiting for a core.
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < iters; i++) Step();
        return (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / iters;
    }

    private static double MatmulGflops(Device device, int iters)
    {
        using var scope = NewDisposeScope();
        Tensor a = randn(2048, 2048, device: device), c = randn(2048, 2048, device: device);
        a.matmul(c).Dispose();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iters; i++) a.matmul(c).Dispose();
        if (device.type == DeviceType.CUDA) cuda.synchronize();
        return 2.0 * 2048 * 2048 * 2048 * iters / sw.Elapsed.TotalSeconds / 1e9;
    }

    private static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback)
        => StringOption(args, name) is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static double DoubleOption(string[] args, string name, double fallback)
        => StringOption(args, name) is { } s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
