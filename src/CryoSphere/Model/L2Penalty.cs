using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// Σ_w ‖w‖² over weight matrices with a hand-written backward (∂/∂w = 2·g·w, one product per weight). Autograd's own
/// chain (square, sum, then pow's backward: w·2, ·g) made two full-size temporaries per weight and two extra passes,
/// and the forward's square one more: with the 4096×512 encoder layer it cost more than the encoder's own backward
/// (bench train --kit-config, "of which l2"). The forward is one dot product per weight, no temporary.
/// </summary>
internal sealed class L2Penalty : torch.autograd.SingleTensorFunction<L2Penalty>
{
    public override string Name => "L2Penalty";

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var weights = vars.Cast<Tensor>().ToArray();
        ctx.save_for_backward([.. weights]);
        using var scope = NewDisposeScope();
        Tensor sum = torch.zeros(Array.Empty<long>(), weights[0].dtype, weights[0].device);
        foreach (Tensor w in weights)
        {
            Tensor flat = w.detach().reshape(-1);
            sum.add_(torch.dot(flat, flat));
        }
        return sum.MoveToOuterDisposeScope();
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        Tensor twice = gradOutput.mul(Scalars.Of(2.0));
        return ctx.get_saved_variables().Select(w => w.mul(twice)).ToList();
    }
}
