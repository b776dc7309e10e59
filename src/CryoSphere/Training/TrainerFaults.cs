namespace CryoSphere.Training;

/// <summary>
/// Fault injection for tests of the NaN/Inf guard: when set, the loss of the step at (epoch, batch)
/// (0-based) is made non-finite through its correlation term. Per async flow, so parallel tests do not see each other's.
/// </summary>
internal static class TrainerFaults
{
    private static readonly AsyncLocal<Func<int, int, bool>?> NonFinite = new();

    public static Func<int, int, bool>? NonFiniteLossAt
    {
        get => NonFinite.Value;
        set => NonFinite.Value = value;
    }
}
