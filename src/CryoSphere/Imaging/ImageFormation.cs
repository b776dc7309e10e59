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
    /// when both are null. Differentiable in the images (and in the shifts).
    /// </summary>
    public static Tensor Apply(Tensor images, CtfBatch? ctf, Tensor? shiftsA, ImageGrid grid)
    {
        if (images.dim() != 3 || images.shape[1] != grid.N || images.shape[2] != grid.N)
            throw new ArgumentException($"images must be (B,{grid.N},{grid.N})", nameof(images));
        if (ctf is null && shiftsA is null) return images;
        if (ctf is not null && ctf.Count != images.shape[0]) throw new ArgumentException("CTF batch size differs from the images'", nameof(ctf));
        if (shiftsA is not null && (shiftsA.dim() != 2 || shiftsA.shape[0] != images.shape[0] || shiftsA.shape[1] != 2))
            throw new ArgumentException("shifts must be (B,2)", nameof(shiftsA));

        using var scope = NewDisposeScope();
        // A filter on the centred grid acts on unshifted FFTs once itself ifftshifted (filtering commutes
        // with circular shifts), which saves the four shifts of the images per call.
        var (kxc, kyc) = grid.FrequencyGrid(images.device, images.dtype);
        Tensor kx = fft.ifftshift(kxc), ky = fft.ifftshift(kyc);
        Tensor? real = ctf is null ? null : -Ctf.Compute(ctf, kx, ky).to_type(images.dtype);
        Tensor filter;
        if (shiftsA is null)
        {
            filter = complex(real!, zeros_like(real!));
        }
        else
        {
            Tensor s = shiftsA.to_type(images.dtype);
            Tensor phase = (kx * s.select(1, 0).reshape(-1, 1, 1) + ky * s.select(1, 1).reshape(-1, 1, 1)) * (2 * Math.PI);
            Tensor magnitude = real ?? ones_like(phase);
            filter = complex(magnitude * phase.cos(), magnitude * phase.sin());
        }
        Tensor result = fft.ifft2(fft.fft2(images) * filter).real.contiguous();
        return result.MoveToOuterDisposeScope();
    }
}
