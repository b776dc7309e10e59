using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Model;

/// <summary>Tests that read the process-wide live-tensor count, so nothing may run beside them.</summary>
[CollectionDefinition(nameof(TensorCountCollection), DisableParallelization = true)]
public sealed class TensorCountCollection
{
}

[Collection(nameof(TensorCountCollection))]
public class LeakTests
{
    [Fact]
    public void ForwardInsideADisposeScopeDoesNotLeakTensors()
    {
        var model = new VaeModel(new ModelOptions(6, 10, new[] { SegmentationPart.WholeProtein(10, 2) })
        { LatentDim = 2, EncoderHidden = new[] { 8 }, DecoderHidden = new[] { 8 } });
        using var baseCoords = torch.randn(10, 3);
        using var images = torch.randn(3, 6, 6);
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            var o = model.Forward(images, baseCoords);
            o.Coords.square().mean().backward();
        }
        static long Live()
        {
            // Finalizers of other tests' undisposed tensors would otherwise change the count mid-test.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return Tensor.TotalCount;
        }
        Step();
        long before = Live();
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(before, Live());
    }
}
