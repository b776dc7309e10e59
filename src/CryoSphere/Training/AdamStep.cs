using CryoSphere.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// One Adam update of every parameter with a gradient, on TorchSharp's own <see cref="Adam"/> state (moments, step
/// counts, groups' learning rates), so checkpoints, resume and the data-parallel broadcast keep using Adam's
/// serialisers unchanged.
/// </summary>
/// <remarks>
/// Why not <c>Adam.step()</c>: it turns seven doubles per parameter into native Scalars and leaves them to the
/// finalizer, which can free one while libtorch still reads it (the crash <see cref="NativeCallGuard"/> was made for).
/// Here the constant ones are cached and the step-dependent ones disposed at once.
/// The arithmetic is Adam's (Kingma and Ba 2015, without weight decay or AMSGrad) with the bias corrections folded
/// into two scalars: θ ← θ − (lr·√c₂/c₁)·m / (√v + ε·√c₂), c_i = 1 − β_i^t — the same update as
/// θ ← θ − (lr/c₁)·m / (√v/√c₂ + ε), in two passes over the parameter fewer (the step is memory-bound).
/// </remarks>
public static class AdamStep
{
    /// <summary>
    /// Drops the parameters' gradients (PyTorch's <c>zero_grad(set_to_none=True)</c>) rather than zeroing them as
    /// TorchSharp's <c>Optimizer.zero_grad()</c> does: the next backward then hands each parameter its gradient buffer
    /// as it is, instead of a fill pass now and an accumulating add into the zeros later (8 MiB each for the encoder's
    /// first layer). A parameter the loss did not reach keeps no gradient, and <see cref="Apply"/> skips it, as torch's Adam does.
    /// </summary>
    public static void ClearGradients(Adam optimizer)
    {
        foreach (var group in optimizer.ParamGroups.Cast<Adam.ParamGroup>())
            foreach (var p in group.Parameters)
                if (p.grad is not null) p.grad = null;
    }

    /// <summary>Updates the parameters of <paramref name="optimizer"/> from their gradients (those without one are skipped).</summary>
    /// <param name="optimizer">The optimizer whose parameters to update.</param>
    /// <param name="decay">Per parameter (by handle), λ added to its gradient as λ·θ before the update: the L2 penalty's
    /// gradient (2β·W) where the loss left it out (<see cref="BatchObjective.Compute"/>); null or absent: 0.</param>
    public static void Apply(Adam optimizer, IReadOnlyDictionary<nint, double>? decay = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (paramGroup, members) in AdamStates.Of(optimizer))
        {
            var group = (Adam.ParamGroup)paramGroup;
            var o = group.Options;
            if (o.weight_decay is > 0 || o.amsgrad == true || o.maximize == true)
                throw new NotSupportedException("AdamStep implements plain Adam (no weight decay, AMSGrad or maximize)");
            double b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8, lr = group.LearningRate;
            Scalar beta1 = Scalars.Of(b1), oneMinusBeta1 = Scalars.Of(1 - b1), beta2 = Scalars.Of(b2), oneMinusBeta2 = Scalars.Of(1 - b2);
            foreach (var (p, s) in members)
            {
                Tensor? grad = p.grad;
                if (grad is null) continue;
                s.step += 1;
                double c1 = 1 - Math.Pow(b1, s.step), c2 = Math.Sqrt(1 - Math.Pow(b2, s.step));
                double lambda = decay is not null && decay.TryGetValue(p.Handle, out double l) ? l : 0;
                if (AdamKernel.TryApply(p, grad, s.exp_avg, s.exp_avg_sq, b1, b2, -lr * c2 / c1, eps * c2, lambda)) continue;   // one pass on the CPU
                if (lambda != 0)
                {
                    using Scalar alpha = lambda.ToScalar();
                    grad.add_(p, alpha: alpha);
                }
                s.exp_avg.mul_(beta1).add_(grad, alpha: oneMinusBeta1);
                s.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value: oneMinusBeta2);
                using Scalar epsC2 = (eps * c2).ToScalar(), stepSize = (-lr * c2 / c1).ToScalar();
                Tensor denom = s.exp_avg_sq.sqrt().add_(epsC2, Scalars.Of(1));   // add_(x) alone passes a fresh Scalar(1) as alpha
                p.addcdiv_(s.exp_avg, denom, value: stepSize);
            }
        }
    }
}
