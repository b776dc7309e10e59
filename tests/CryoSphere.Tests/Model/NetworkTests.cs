using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

public class NetworkTests
{
    [Fact]
    public void MlpAppliesLeakyReluBetweenLayersOnly()
    {
        using var scope = torch.NewDisposeScope();
        var mlp = new Mlp("m", new[] { 2, 2, 1 });
        using (torch.no_grad())
        {
            mlp.Layers[0].weight!.copy_(torch.tensor(new float[] { 1, 0, 0, 1 }).reshape(2, 2));
            mlp.Layers[0].bias!.zero_();
            mlp.Layers[1].weight!.copy_(torch.tensor(new float[] { 1, -2 }).reshape(1, 2));
            mlp.Layers[1].bias!.fill_(-10);
        }
        // Hidden (3, −4) → (3, −0.04); output 3 + 0.08 − 10 stays negative (no activation after the last layer).
        Assert.Equal(-6.92f, mlp.call(torch.tensor(new float[] { 3, -4 }).reshape(1, 2)).ToSingle(), 5);
    }

    [Fact]
    public void EncoderSigmaIsEluPlusOne()
    {
        using var scope = torch.NewDisposeScope();
        var enc = new Encoder(16, 2, new[] { 3 });   // 4 × 4 images
        var last = enc.Network.Layers[^1];
        using (torch.no_grad())
        {
            last.weight!.zero_();
            last.bias!.copy_(torch.tensor(new float[] { 0.5f, -1.5f, -1, 2 }));
        }
        var (mu, sigma) = enc.call(torch.randn(3, 4, 4));
        Assert.Equal(new float[] { 0.5f, -1.5f }, mu[1].data<float>().ToArray());
        float[] s = sigma[2].data<float>().ToArray();
        Assert.Equal(Math.Exp(-1), s[0], 6);
        Assert.Equal(3.0, s[1], 6);
    }

    [Fact]
    public void LatentSampleIsMuPlusSigmaTimesStandardNormal()
    {
        using var scope = torch.NewDisposeScope();
        Tensor mu = torch.full(20000, 2, 1.5f), sigma = torch.full(20000, 2, 0.5f);
        Tensor z = LatentSampler.Sample(mu, sigma, new Generator(8));
        Assert.Equal(1.5, z.mean().ToSingle(), 2);
        Assert.Equal(0.5, z.std().ToSingle(), 2);
        Assert.True(z.allclose(LatentSampler.Sample(mu, sigma, new Generator(8)), rtol: 0, atol: 0));
        // A noise scale keeps the draw: 0 gives μ exactly, ½ half of the same σ·ε.
        Assert.True(LatentSampler.Sample(mu, sigma, new Generator(8), scale: 0).allclose(mu, rtol: 0, atol: 0));
        Tensor half = LatentSampler.Sample(mu, sigma, new Generator(8), scale: 0.5);
        Assert.True(((half - mu) * 2).allclose(z - mu, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void PerImageLatentsLookUpRowsAndOnlyThoseGetGradient()
    {
        using var scope = torch.NewDisposeScope();
        var table = new PerImageLatents(4, 3);
        var (mu, sigma) = table.call(torch.tensor(new long[] { 2, 2, 0 }));
        Assert.Equal(new long[] { 3, 3 }, mu.shape);
        Assert.True(sigma.allclose(torch.ones(3, 3), rtol: 0, atol: 0));
        (mu.sum() + sigma.sum()).backward();
        var p = table.parameters().ToArray();
        float[] g = p[0].grad!.sum(1).data<float>().ToArray();
        Assert.Equal(new float[] { 3, 0, 6, 0 }, g);
        Assert.Throws<InputException>(() => new PerImageLatents(0, 3));
    }
}
