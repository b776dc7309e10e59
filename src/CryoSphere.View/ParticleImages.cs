using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.View;

/// <summary>
/// A particle as the model sees it: the observed image as the loss sees it (normalised, low-passed when the run
/// does), the prediction from its latent mean through the training's image formation (projection, CTF, shift:
/// <see cref="BatchObjective.TargetAndPrediction"/>), and the residual after the best scale.
/// </summary>
public sealed record ParticleImages(int Index, int Size, float[] Observed, float[] Predicted, float[] Residual, double Correlation, float[] Latent)
{
    /// <summary>Encodes, decodes (segmentation posterior means) and predicts particle <paramref name="index"/>.</summary>
    public static ParticleImages Compute(ViewSession s, int index)
    {
        var run = s.Run;
        var stats = new PixelStatistics(run.Meta.ImageMean, run.Meta.ImageStd, 0);
        var objective = new BatchObjective(run.Setup, run.Vae, stats);
        var loader = new BatchLoader(run.Setup.Particles, 1, 0, subset: [index], prefetch: 1);
        using var noGrad = no_grad();
        foreach (var pb in PreparedBatch.Each(objective, loader.Epoch(0, shuffle: false)))
        {
            using var _ = pb;
            var (mu, _) = run.Vae.Encode(objective.EncoderInput(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf), pb.Indices);
            var coords = run.Vae.Decode(mu, run.Setup.BaseCoords, meanSegmentation: true);
            var (target, pred) = objective.TargetAndPrediction(pb.Images, pb.Rotations, pb.Shifts, pb.Ctf, coords);
            if (run.Setup.LossMask is { } m)
            {
                // What the loss compares: pixels outside the mask do not count, so they are not shown either.
                target = target * m;
                pred = pred * m;
            }
            var t = Host(target);
            var p = Host(pred);
            return Finish(index, run.Setup.Grid.N, t, p, Host(mu));
        }
        throw new InvalidOperationException($"particle {index} was not read");
    }

    private static float[] Host(Tensor t) => t.cpu().contiguous().data<float>().ToArray();

    // The correlation loss ignores the prediction's scale, so the residual is taken after the least-squares scale
    // a = ⟨p,t⟩/⟨p,p⟩; the correlation is the loss's own (uncentred) one.
    private static ParticleImages Finish(int index, int n, float[] t, float[] p, float[] mu)
    {
        double pt = 0, pp = 0, tt = 0;
        for (int i = 0; i < t.Length; i++) { pt += p[i] * t[i]; pp += p[i] * p[i]; tt += t[i] * t[i]; }
        double a = pp > 0 ? pt / pp : 0;
        var scaled = new float[p.Length];
        var r = new float[p.Length];
        for (int i = 0; i < t.Length; i++)
        {
            scaled[i] = (float)(a * p[i]);
            r[i] = t[i] - scaled[i];
        }
        double corr = pp > 0 && tt > 0 ? pt / Math.Sqrt(pp * tt) : 0;
        return new ParticleImages(index, n, t, scaled, r, corr, mu);
    }
}
