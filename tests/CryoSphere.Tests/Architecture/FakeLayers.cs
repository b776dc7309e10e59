// A deliberate back edge for ArchitectureTests: Low uses High only inside a lambda and through a fully qualified
// name (no using line), which only an IL reader sees.
namespace CryoSphere.Tests.Architecture.Fake.Low
{
    internal static class Reader
    {
        internal static Func<int> Count() => () => CryoSphere.Tests.Architecture.Fake.High.Holder.Items.Length;
    }

    internal sealed record Item(int Value);

    /// <summary>Stands in for NativeCallGuard in the guard-coverage test.</summary>
    internal readonly struct Guard : IDisposable
    {
        internal static Guard Enter() => default;
        public void Dispose() { }
    }
}

namespace CryoSphere.Tests.Architecture.Fake.High
{
    internal static class Holder
    {
        internal static readonly CryoSphere.Tests.Architecture.Fake.Low.Item[] Items = [new(1)];
    }
}

namespace CryoSphere.Tests.Architecture.Fake.Torch
{
    using TorchSharp;

    // For GuardCoverage: one method calls TorchSharp outside the (fake) guard; the others are covered, directly, as a
    // helper called only from a guarded method, or in a lambda made inside a guarded block.
    internal static class Kernels
    {
        internal static double Unguarded() => torch.ones(2).sum().ToDouble();

        internal static double Guarded()
        {
            using var g = CryoSphere.Tests.Architecture.Fake.Low.Guard.Enter();
            Func<double> f = () => torch.zeros(1).ToDouble();
            return Helper() + f();
        }

        private static double Helper() => torch.ones(3).sum().ToDouble();

        // Calls TorchSharp in the body of a loop over a scope whose items hold the guard (as PreparedBatch.Each).
        internal static double InScope()
        {
            double s = 0;
            foreach (int n in Batches.Each()) s += torch.ones(n).sum().ToDouble();
            return s;
        }
    }

    internal static class Batches
    {
        internal static IEnumerable<int> Each()
        {
            yield return 1;
        }
    }
}
