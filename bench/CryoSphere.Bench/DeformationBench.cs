using System.Diagnostics;
using CryoSphere.Model;
using TorchSharp;
using CryoSphere.Geometry;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// Forward+backward of <see cref="Deformation.Apply"/> (tree product of quaternions) next to
/// <see cref="Deformation.ApplySequential"/> (the segment-by-segment loop), interleaved, at K = 6 and 20,
/// with softmax(τ = 0.05) memberships as in training.
/// </summary>
internal sealed class DeformationBench : IBenchmark
{
    public string Name => "deformation";

    public string Usage => "[--threads 1 --iters 10 --batch 128 --residues 408 --segments 6,20 --loop true]: ms per forward+backward, tree vs loop";

    public int Run(BenchArgs a)
    {
        TorchRuntime.SetThreads(a.Int("threads", 1));
        int iters = a.Int("iters", 10), b = a.Int("batch", 128), r = a.Int("residues", 408);
        int[] ks = (a.String("segments") ?? "6,20").Split(',').Select(int.Parse).ToArray();
        Console.WriteLine($"deformation B={b} R={r}, {get_num_threads()} thread(s), {iters} iterations, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (int k in ks)
        {
            manual_seed(1);
            Tensor x = randn(r, 3) * 30;
            Tensor logits = randn(1, r, k) / 0.05;
            Tensor v = (randn(b, k, 3) * 0.3).requires_grad_(true);
            Tensor t = randn(b, k, 3).requires_grad_(true);
            double Once(Func<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> f)
            {
                using var scope = NewDisposeScope();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                Tensor g = softmax(logits.expand(b, r, k), -1).requires_grad_(true);
                var (axis, angle) = Rotations.AxisAngleFromVector(v);
                Tensor y = f(x, g, axis, angle, t);
                y.sum().backward();
                return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;   // CPU time: robust to a shared machine
            }
            // --loop false: the tree alone (the loop is slow at EMPIAR scale).
            bool withLoop = a.String("loop") != "false";
            Once(Deformation.Apply);
            if (withLoop) Once(Deformation.ApplySequential);
            double tree = 0, loop = 0;
            for (int i = 0; i < iters; i++) { tree += Once(Deformation.Apply); if (withLoop) loop += Once(Deformation.ApplySequential); }
            Console.WriteLine($"  K={k,3}: tree {tree / iters,8:F2} CPU-ms   loop {loop / iters,8:F2} CPU-ms   loop/tree {loop / tree:F2}");
        }
        return 0;
    }
}
