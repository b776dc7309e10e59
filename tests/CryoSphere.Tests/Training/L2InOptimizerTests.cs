using CryoSphere.Data;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

/// <summary>The L2 penalty left to the optimizer: the same loss, and the gradient the graph gave is the rest plus 2β·W.</summary>
public class L2InOptimizerTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void LossIsTheSameAndGraphGradientIsTheRestPlusTwoBetaW()
    {
        using var scope = NewDisposeScope();
        var o = data.Options(TestData.TempDir("l2-optimizer"), 1);
        using var setup = TrainingSetup.Create(o);
        manual_seed(2);
        using var model = ModelFactory.Build(o, setup);
        var (optimizer, _, _) = ModelFactory.Optimizer(model, o);
        using var optimizerScope = optimizer;
        var objective = new BatchObjective(setup, model, setup.EstimateImageStatistics(1));
        var loader = new BatchLoader(setup.Particles, 4, 1, setup.Subset);
        using var hb = loader.Epoch(0, shuffle: false).First();
        var (imgs, rot, sh, ctf, idx) = objective.Prepare(hb);
        using var ctfScope = ctf;
        // A large β so that 2β·W is far above rounding.
        var w = new LossWeights(1e-3, 1e-5, 1e-5, 1e-5, 0.1, 0.1, L2: 0.05);
        var parameters = model.parameters().ToArray();

        (double Loss, Tensor[] Grads) Run(bool inOptimizer)
        {
            using var gen = new Generator(5, setup.Device);   // the same latent and segmentation draws both times
            AdamStep.ClearGradients(optimizer);
            var loss = objective.Compute(imgs, rot, sh, ctf, idx, w, gen, l2InOptimizer: inOptimizer);
            loss.Total.backward();
            return (loss.Total.ToDouble(), parameters.Select(p => p.grad!.clone()).ToArray());
        }

        var (inGraph, gradsInGraph) = Run(false);
        var (left, gradsLeft) = Run(true);
        Assert.Equal(inGraph, left, 6);
        var decay = objective.L2Decay(w);
        Assert.Equal(model.WeightMatrices().Count(), parameters.Count(p => decay.ContainsKey(p.Handle)));   // the keys are the optimizer's parameters
        for (int i = 0; i < parameters.Length; i++)
        {
            Tensor p = parameters[i].detach();
            double lambda = decay.TryGetValue(parameters[i].Handle, out double l) ? l : 0;
            Tensor expected = gradsLeft[i] + p * lambda;
            double scale = gradsInGraph[i].abs().max().ToDouble();
            Assert.True((gradsInGraph[i] - expected).abs().max().ToDouble() <= 1e-5 * scale + 1e-9, $"parameter {i} (λ {lambda})");
            if (lambda != 0) Assert.True((gradsInGraph[i] - gradsLeft[i]).abs().max().ToDouble() > 1e-3 * scale, $"parameter {i}: the penalty's gradient is not visible");
        }
    }
}
