using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace CryoSphere.Distributed;

/// <summary>
/// Adam's per-parameter states next to their parameters, group by group. The one home of a TorchSharp fact both the
/// update (<c>Training.AdamStep</c>) and the sharded tables (<see cref="TableSwap"/>) rely on: the optimizer's state list
/// runs over the groups' parameters in order.
/// </summary>
public static class AdamStates
{
    /// <summary>Each group of <paramref name="optimizer"/> with its parameters and their Adam states, in the optimizer's order.</summary>
    public static IEnumerable<(ParamGroup Group, IReadOnlyList<(Parameter Parameter, Adam.State State)> Members)> Of(OptimizerHelper optimizer)
    {
        var states = optimizer.state_dict().State;
        int i = 0;
        foreach (var group in optimizer.ParamGroups.Cast<ParamGroup>())
        {
            var members = new List<(Parameter, Adam.State)>();
            foreach (var p in group.Parameters)
                members.Add((p, states[i++] as Adam.State ?? throw new InvalidOperationException("the optimizer is not Adam: its states are not Adam's")));
            yield return (group, members);
        }
    }

    /// <summary>The Adam state of <paramref name="p"/>.</summary>
    public static Adam.State Of(OptimizerHelper optimizer, Parameter p) =>
        Of(optimizer).SelectMany(g => g.Members).Where(m => m.Parameter.Handle == p.Handle).Select(m => m.State).FirstOrDefault()
        ?? throw new ArgumentException("the optimizer does not hold this parameter");
}
