using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// The optics applied to projected images: image = real(IFFT(FFT(I)·H)) with H = (−CTF)·exp(+2πi k·s).
/// The −1 comes with the CTF (dark protein on a light background, as in micrographs); without a CTF the
/// image keeps its sign and only the shift is applied. The shift moves the content by −s (the particle
/// centre sits at −shift, docs/conventions.md).
/// </summary>
public static class ImageFormation
{
    /// <summary>
    /// Images (B,N,N), optional CTF batch and shifts (B,2) in Å → (B,N,N). Returns the input tensor itself
    /// when both are null. Differentiable in the images (shifts and CTF are data: no gradient reaches them).
    /// </summary>
    public static Tensor Apply(Tensor images, CtfBatch? ctf, Tensor? shiftsA, ImageGrid grid)
    {
        if (images.dim() != 3 || images.shape[1] != grid.N || images.shape[2] != grid.N)
            throw new ArgumentException($"images must be (B,{grid.N},{grid.N})", nameof(images));
        if (ctf is null && shiftsA is null) return images;
        if (ctf is not null && ctf.Count != images.shape[0]) throw new ArgumentException("CTF batch size differs from the images'", nameof(ctf));
        if (shiftsA is not null && (shiftsA.dim() != 2 || shiftsA.shape[0] != images.shape[0] || shiftsA.shape[1] != 2))
            throw new ArgumentException("shifts must be (B,2)", nameof(shiftsA));

        return ApplyHalf(images, ctf is null ? null : Ctf.ComputeHalf(ctf, grid, images.dtype), shiftsA, grid);
    }

    /// <summary>
    /// <see cref="Apply"/> with the CTF given on the extended half-spectrum tables (<see cref="Ctf.ComputeHalf"/>, no
    /// gradient), so that a step that needs the CTF twice computes it once. The filter −CTF·ramp is built without
    /// autograd from cached frequency tables and a separable ramp, folded to rfft2's half spectrum; the images take
    /// rfft2, one complex product and irfft2 (<see cref="FrequencyTables"/>).
    /// </summary>
    public static Tensor ApplyHalf(Tensor images, Tensor? ctfHalf, Tensor? shiftsA, ImageGrid grid)
    {
        if (ctfHalf is null && shiftsA is null) return images;
        using var scope = NewDisposeScope();
        Tensor filter;
        using (no_grad())
        {
            Tensor? real = ctfHalf?.to_type(images.dtype).neg();
            var tables = FrequencyTables.For(grid, images.device, images.dtype);
            if (shiftsA is null) filter = complex(real!, zeros_like(real!));
            else
            {
                var (re, im) = tables.PhaseRamp(shiftsA);
                filter = real is null ? complex(re, im) : complex(re.mul_(real), im.mul_(real));
            }
            filter = tables.Fold(filter);
        }
        Tensor result = fft.irfft2(fft.rfft2(images) * filter, s: [grid.N, grid.N]);
        return result.MoveToOuterDisposeScope();
    }
}
