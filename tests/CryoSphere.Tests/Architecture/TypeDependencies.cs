using Mono.Cecil;
using Mono.Cecil.Cil;

namespace CryoSphere.Tests.Architecture;

/// <summary>One use of a type by another, as compiled: <paramref name="From"/> (the using type) refers to
/// <paramref name="To"/> (full names, nested types folded into their outermost type).</summary>
public sealed record TypeEdge(string From, string FromNamespace, string To, string ToNamespace);

/// <summary>
/// Reads which types each type of an assembly refers to from its IL, not from its <c>using</c> lines: base types,
/// interfaces, fields, properties, signatures, attributes, locals and every type, method and field operand in the
/// method bodies (including those of compiler-generated closures and iterators, folded into the type that wrote
/// them). A fully qualified name, a type named through a property or a `var` all count; a `using` that is not
/// used does not.
/// </summary>
public static class TypeDependencies
{
    /// <summary>Every (from, to) pair of distinct outermost types, <paramref name="assemblyPath"/>'s types as `from`.</summary>
    public static IReadOnlyList<TypeEdge> Read(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new HashSet<TypeEdge>();
        foreach (TypeDefinition type in module.GetTypes())
        {
            TypeDefinition owner = Outermost(type);
            if (owner.Name == "<Module>" || IsCompilerOnly(owner)) continue;
            var seen = new HashSet<TypeReference>();
            foreach (TypeReference used in Referenced(type))
                foreach (TypeReference leaf in Leaves(used, seen))
                {
                    TypeReference to = Outermost(leaf);
                    if (to.FullName == owner.FullName) continue;
                    edges.Add(new TypeEdge(owner.FullName, owner.Namespace, to.FullName, to.Namespace));
                }
        }
        return edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<TypeReference> Referenced(TypeDefinition t)
    {
        if (t.BaseType is not null) yield return t.BaseType;
        foreach (var i in t.Interfaces) yield return i.InterfaceType;
        foreach (var a in t.CustomAttributes) yield return a.AttributeType;
        foreach (var g in t.GenericParameters)
            foreach (var c in g.Constraints) yield return c.ConstraintType;
        foreach (var f in t.Fields)
        {
            yield return f.FieldType;
            foreach (var a in f.CustomAttributes) yield return a.AttributeType;
        }
        foreach (var p in t.Properties)
        {
            yield return p.PropertyType;
            foreach (var a in p.CustomAttributes) yield return a.AttributeType;
        }
        foreach (var e in t.Events) yield return e.EventType;
        foreach (var m in t.Methods)
        {
            yield return m.ReturnType;
            foreach (var a in m.CustomAttributes) yield return a.AttributeType;
            foreach (var p in m.Parameters) yield return p.ParameterType;
            foreach (var g in m.GenericParameters)
                foreach (var c in g.Constraints) yield return c.ConstraintType;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) yield return v.VariableType;
            foreach (Instruction i in m.Body.Instructions)
                switch (i.Operand)
                {
                    case TypeReference tr:
                        yield return tr;
                        break;
                    case MethodReference mr:
                        yield return mr.DeclaringType;
                        yield return mr.ReturnType;
                        foreach (var p in mr.Parameters) yield return p.ParameterType;
                        if (mr is GenericInstanceMethod gim)
                            foreach (var a in gim.GenericArguments) yield return a;
                        break;
                    case FieldReference fr:
                        yield return fr.DeclaringType;
                        yield return fr.FieldType;
                        break;
                }
        }
    }

    /// <summary>The named types inside a reference: element types of arrays/pointers/by-refs and generic arguments.</summary>
    private static IEnumerable<TypeReference> Leaves(TypeReference t, HashSet<TypeReference> seen)
    {
        if (!seen.Add(t)) yield break;
        switch (t)
        {
            case GenericParameter:
                yield break;
            case GenericInstanceType git:
                foreach (var x in Leaves(git.ElementType, seen)) yield return x;
                foreach (var a in git.GenericArguments)
                    foreach (var x in Leaves(a, seen)) yield return x;
                yield break;
            case FunctionPointerType fp: // delegate* unmanaged<…>: its return and parameter types
                foreach (var x in Leaves(fp.ReturnType, seen)) yield return x;
                foreach (var p in fp.Parameters)
                    foreach (var x in Leaves(p.ParameterType, seen)) yield return x;
                yield break;
            case TypeSpecification spec: // array, pointer, by-ref, modifiers
                foreach (var x in Leaves(spec.ElementType, seen)) yield return x;
                yield break;
            default:
                yield return t;
                yield break;
        }
    }

    private static TypeReference Outermost(TypeReference t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t;
    }

    private static TypeDefinition Outermost(TypeDefinition t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t;
    }

    // Types the compiler adds at the top level (<PrivateImplementationDetails>, embedded attributes, Program's
    // top-level-statement container is kept: it is user code).
    private static bool IsCompilerOnly(TypeDefinition t) =>
        t.Name.StartsWith('<') || t.Namespace == "Microsoft.CodeAnalysis" || t.Namespace == "System.Runtime.CompilerServices";
}
