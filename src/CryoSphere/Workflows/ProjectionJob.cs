using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Workflows;

/// <summary>
/// Renders a structure with each particle's pose (and optionally its CTF and shift) into an image
/// stack, chunk by chunk: for inspecting data and checking pose conventions against real images.
/// </summary>
public static class ProjectionJob
{
    /// <summary>Writes <paramref name="count"/> projections to <paramref name="outPath"/>; returns the number written.</summary>
    public static int Run(Structure s, ParticleTable t, int npix, double apix, double sigma, bool ctf, bool shift, int count, string outPath,
        IProgress<(int Done, int Total)>? progress = null)
    {
        if (t.Rotations is null) throw new InputException(t.SourcePath, "has no poses to project with");
        if (ctf && t.Ctf is null) throw new InputException(t.SourcePath, "has no CTF parameters (drop --ctf)");
        count = Math.Min(count, t.Count);
        var grid = new ImageGrid(npix, apix);
        using var amps = tensor(s.Amplitudes);
        using var coords = tensor(s.Coordinates, [s.Count, 3]);
        using var writer = new MrcStackWriter(outPath, npix, npix, apix);
        const int chunk = 64;
        for (int start = 0; start < count; start += chunk)
        {
            int b = Math.Min(chunk, count - start);
            using var guard = NativeCallGuard.Enter(128L << 20);
            using var scope = NewDisposeScope();
            var rot = new float[9 * b];
            Array.Copy(t.Rotations, 9 * start, rot, 0, 9 * b);
            var sh = new float[2 * b];
            if (shift && t.ShiftsA is not null) Array.Copy(t.ShiftsA, 2 * start, sh, 0, 2 * b);
            using var ctfBatch = ctf ? CtfBatch.From(t.Ctf!.AsSpan(start, b).ToArray(), CPU) : null;
            var img = GaussianRenderer.RotateAndProject(coords, tensor(rot, [b, 3, 3]), amps, sigma, grid);
            img = ImageFormation.Apply(img, ctfBatch, shift ? tensor(sh, [b, 2]) : null, grid);
            writer.Append(img.contiguous().data<float>().ToArray());
            progress?.Report((start + b, count));
        }
        writer.Complete();
        return count;
    }
}
