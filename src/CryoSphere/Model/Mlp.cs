using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Fully connected stack with LeakyReLU(0.01) between layers and none after the last, the shape
/// shared by the encoder and decoder.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    /// <summary>The negative slope of the LeakyReLU between layers (method.md §5).</summary>
    public const double LeakySlope = 0.01;

    private readonly ModuleList<Linear> layers;

    /// <param name="name">Module name (appears in state-dict keys).</param>
    /// <param name="sizes">Layer widths from input to output; at least two entries, all positive.</param>
    public Mlp(string name, IReadOnlyList<int> sizes) : base(name)
    {
        if (sizes.Count < 2 || sizes.Any(s => s <= 0))
            throw new InputException($"{name}: layer sizes must be at least two positive numbers, got [{string.Join(", ", sizes)}]");
        layers = new ModuleList<Linear>();
        for (int i = 0; i + 1 < sizes.Count; i++)
            layers.Add(nn.Linear(sizes[i], sizes[i + 1]));
        RegisterComponents();
    }

    /// <summary>The linear layers, input side first (their weights are what the L2 penalty sees).</summary>
    public IReadOnlyList<Linear> Layers => layers.ToList();

    public override Tensor forward(Tensor input)
    {
        Tensor x = input;
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i + 1 < layers.Count) x = nn.functional.leaky_relu(x, LeakySlope);
        }
        return x;
    }
}
