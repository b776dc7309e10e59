using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Bench;

/// <summary>
/// Forward + backward time of per-image pair distances (the light clash and continuity losses' core) in three
/// formulations: a gather on the (B, 3R) rows (the product's until 2026-12), index_select on (R, 3B) rows (the
/// product's now, Losses.PairDistances) and a sparse ±1 incidence matrix times the (R, 3B) rows. Each is checked
/// against the first (distances and coordinate gradients).
/// </summary>
internal sealed class PairBench : IBenchmark
{
    public string Name => "pairs";
    public string Usage => "[--batch 64 --residues 428 --pairs 6500 --repeats 40 --threads 1]: pair distances fwd+bwd ms, median, per formulation";

    public int Run(BenchArgs a)
    {
        int threads = a.Int("threads", 1), repeats = a.Int("repeats", 40);
        long b = a.Int("batch", 64), r = a.Int("residues", 428);
        int p = a.Int("pairs", 6500);
        torch.set_num_threads(threads);
        MallocTuning.ForTraining();   // as in training: without it, page faults of freshly mapped buffers dominate

        var rng = new Random(1);
        var ends = new long[p * 2];
        for (int k = 0; k < p; k++)
        {
            long i = rng.Next((int)r - 5);
            ends[2 * k] = i;
            ends[2 * k + 1] = i + 3 + rng.Next((int)(r - i - 3));
        }
        using var pairs = torch.tensor(ends, [p, 2]);
        using var first = pairs.select(1, 0).contiguous();
        using var second = pairs.select(1, 1).contiguous();
        using var incidence = torch.sparse_coo_tensor(
            torch.stack([torch.cat([torch.arange(p), torch.arange(p)]), torch.cat([first, second])]),
            torch.cat([torch.ones(p), -torch.ones(p)]), [p, r]);
        torch.manual_seed(1);
        using var coords0 = torch.randn(b, r, 3) * 10;
        using var weights = torch.rand(b, p);

        Tensor Gather(Tensor c)
        {
            Tensor flat = c.reshape(b, 3 * r), xyz = torch.arange(3, dtype: ScalarType.Int64);
            Tensor Index(Tensor end) => end.unsqueeze(1).mul(3).add(xyz).reshape(1, 3 * p).expand(b, 3 * p);
            Tensor diff = flat.gather(1, Index(first)) - flat.gather(1, Index(second));
            return diff.reshape(b, p, 3).square().sum(-1).add(1e-8).sqrt();
        }
        Tensor Rows(Tensor c) => c.permute(1, 2, 0).reshape(r, 3 * b);
        Tensor FromRows(Tensor diff) => diff.reshape(p, 3, b).square().sum(1).add(1e-8).sqrt().t();
        Tensor IndexSelect(Tensor c) { Tensor x = Rows(c); return FromRows(x.index_select(0, first) - x.index_select(0, second)); }
        Tensor Sparse(Tensor c) => FromRows(torch.mm(incidence, Rows(c)));

        (Tensor D, Tensor G) Evaluate(Func<Tensor, Tensor> f)
        {
            using var c = coords0.clone().requires_grad_(true);
            Tensor d = f(c);
            (d * weights).sum().backward();
            return (d.detach().clone(), c.grad!.clone());
        }
        var (dRef, gRef) = Evaluate(Gather);
        Console.WriteLine($"B {b}, R {r}, P {p}, {threads} thread(s), median of {repeats - 3} after 3 warm-up");
        foreach (var (name, f) in new (string, Func<Tensor, Tensor>)[] { ("gather (B,3R)", Gather), ("index_select (R,3B)", IndexSelect), ("sparse mm (R,3B)", Sparse) })
        {
            var fwd = new List<double>();
            var both = new List<double>();
            for (int it = 0; it < repeats; it++)
            {
                using var scope = torch.NewDisposeScope();
                var c = coords0.clone().requires_grad_(true);
                var sw = Stopwatch.StartNew();
                Tensor loss = (f(c) * weights).sum();
                double tf = sw.Elapsed.TotalMilliseconds;
                loss.backward();
                if (it >= 3) { fwd.Add(tf); both.Add(sw.Elapsed.TotalMilliseconds); }
            }
            fwd.Sort();
            both.Sort();
            var (d, g) = Evaluate(f);
            double dd = (d - dRef).abs().max().item<float>(), dg = (g - gRef).abs().max().item<float>();
            Console.WriteLine($"  {name,-20} forward {fwd[fwd.Count / 2],6:F2} ms   forward+backward {both[both.Count / 2],6:F2} ms   max|Δd| {dd:E1}  max|Δgrad| {dg:E1}");
        }
        return 0;
    }
}
