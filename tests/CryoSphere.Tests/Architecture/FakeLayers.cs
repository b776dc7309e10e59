// A deliberate back edge for ArchitectureTests: Low uses High only inside a lambda and through a fully qualified
// name (no using line), which only an IL reader sees.
namespace CryoSphere.Tests.Architecture.Fake.Low
{
    internal static class Reader
    {
        internal static Func<int> Count() => () => CryoSphere.Tests.Architecture.Fake.High.Holder.Items.Length;
    }

    internal sealed record Item(int Value);
}

namespace CryoSphere.Tests.Architecture.Fake.High
{
    internal static class Holder
    {
        internal static readonly CryoSphere.Tests.Architecture.Fake.Low.Item[] Items = [new(1)];
    }
}
