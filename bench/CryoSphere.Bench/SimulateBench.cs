using CryoSphere.Simulation;

namespace CryoSphere.Bench;

/// <summary>
/// Simulation throughput: images per second and peak RSS for two sizes, 1AKE (both chains, 428
/// residues) at 128 px and the 6C6S polymerase (3360 protein residues) at 256 px, each with a
/// hinge on one chain, noise and CTF on.
/// </summary>
internal sealed class SimulateBench : IBenchmark
{
    public string Name => "simulate";

    public string Usage => "--structures DIR [--small-images 2000 --large-images 500 --threads 0 (torch default) --chunk 256 --case both|small|large --dir TMP]: simulated images/s and peak RSS";

    public int Run(BenchArgs a)
    {
        string structures = a.String("structures") ?? throw new ArgumentException("--structures DIR (holding 1ake.pdb and 6C6S.cif) is required");
        int threads = a.Int("threads", 0);
        if (threads > 0) TorchRuntime.SetThreads(threads);
        string which = a.String("case") ?? "both";
        int chunk = a.Int("chunk", new SimulationOptions().ChunkSize);
        string work = Path.Combine(a.String("dir") ?? Path.GetTempPath(), $"cryosphere-simbench-{Guid.NewGuid():N}");
        try
        {
            Console.WriteLine($"torch threads {TorchSharp.torch.get_num_threads()}");
            if (which is "both" or "small")
                Report("1ake both chains, hinge A:122-159 about A:118,A:167", new SimulationOptions
                {
                    StructurePath = Path.Combine(structures, "1ake.pdb"), Motion = "hinge", Selections = ["A:122-159"], Axis = "A:118,A:167",
                    NImages = a.Int("small-images", 2000), Npix = 128, Apix = 1.5, Snr = 0.1, OutDirValue = Path.Combine(work, "small"), ChunkSize = chunk,
                });
            if (which is "both" or "large")
                Report("6C6S protein chains, chain D hinged about its principal axis", new SimulationOptions
                {
                    StructurePath = Path.Combine(structures, "6C6S.cif"), Chains = ["G", "H", "I", "J", "K", "D"], Motion = "hinge", Selections = ["D"],
                    NImages = a.Int("large-images", 500), Npix = 256, Apix = 1.2, Snr = 0.1, OutDirValue = Path.Combine(work, "large"), ChunkSize = chunk,
                });
            return 0;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static void Report(string what, SimulationOptions o)
    {
        var r = Simulator.Run(o);
        Console.WriteLine($"{what}: N={o.Npix} R={r.Residues} images={r.Images} chunk={Simulator.EffectiveChunk(o)}: {r.Seconds:F1} s, {r.ImagesPerSecond:F1} images/s, " +
                          $"realised SNR {r.RealisedSnr:G3}, peak RSS {ProcessMemory.PeakRssMiB():F0} MiB");
    }
}
