using Mono.Cecil;
using Mono.Cecil.Cil;

namespace CryoSphere.Tests.Architecture;

/// <summary>
/// Which methods call TorchSharp outside <c>NativeCallGuard</c>, read from IL. A method is guarded when it calls
/// <c>NativeCallGuard.Enter</c>, or when it has callers in the assembly and every one of them is guarded (a private
/// helper called only from inside guarded blocks). Lambdas and local functions count as called by the method that
/// creates them (<c>ldftn</c>), iterators and async state machines as the method that builds them. A method that loops
/// over one of <c>scopes</c> (e.g. <c>PreparedBatch.Each</c>, whose items hold the guard while the loop body runs) counts
/// as guarded too.
/// </summary>
public static class GuardCoverage
{
    /// <summary>Methods of types in <paramref name="namespaces"/> (or below) that call TorchSharp directly and are not
    /// guarded, as "Type.Method".</summary>
    public static IReadOnlyList<string> Unguarded(string assemblyPath, string guardType, IReadOnlyList<string> namespaces, IReadOnlyList<string>? scopes = null)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var methods = module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
        var callers = new Dictionary<MethodDefinition, HashSet<MethodDefinition>>();
        var guarded = new HashSet<MethodDefinition>();
        var touches = new HashSet<MethodDefinition>();
        foreach (var m in methods)
        {
            foreach (var callee in Callees(m))
            {
                if (callee.DeclaringType.FullName == guardType && callee.Name == "Enter") guarded.Add(m);
                if (scopes?.Contains(callee.DeclaringType.FullName + "." + callee.Name) == true) guarded.Add(m);
                // Dispose only hands native memory back; it makes no Scalar.
                if (OutermostNamespace(callee.DeclaringType).StartsWith("TorchSharp", StringComparison.Ordinal) && callee.Name != "Dispose")
                    touches.Add(m);
                if (callee.Resolve() is { } def && def.Module == module)
                {
                    if (!callers.TryGetValue(def, out var set)) callers[def] = set = [];
                    set.Add(m);
                }
            }
        }
        // Generated state machines (iterators, async) are reached from their kick-off method through a constructor
        // and MoveNext through the interface: give MoveNext the kick-off method's callers' verdict via the constructor.
        foreach (var m in methods.Where(m => m.Name == "MoveNext" && IsGenerated(m.DeclaringType)))
        {
            var ctor = m.DeclaringType.Methods.FirstOrDefault(c => c.IsConstructor && !c.IsStatic);
            if (ctor is not null && callers.TryGetValue(ctor, out var kick))
            {
                if (!callers.TryGetValue(m, out var set)) callers[m] = set = [];
                set.UnionWith(kick);
            }
        }
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var m in methods)
                if (!guarded.Contains(m) && callers.TryGetValue(m, out var c) && c.Count > 0 && c.All(guarded.Contains))
                    changed |= guarded.Add(m);
        }
        return touches
            .Where(m => !guarded.Contains(m))
            .Where(m => namespaces.Any(ns => InNamespace(OutermostNamespace(m.DeclaringType), ns)))
            .Select(m => $"{Outermost(m.DeclaringType).FullName}.{m.Name}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static IEnumerable<MethodReference> Callees(MethodDefinition m) =>
        m.Body.Instructions.Select(i => i.Operand).OfType<MethodReference>();

    private static bool IsGenerated(TypeDefinition t) => t.Name.StartsWith('<');

    private static bool InNamespace(string ns, string root) => ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);

    private static TypeReference Outermost(TypeReference t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t;
    }

    private static string OutermostNamespace(TypeReference t) => Outermost(t).Namespace;
}
