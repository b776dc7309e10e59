namespace CryoSphere.Tests.Architecture;

/// <summary>
/// Layers listed bottom to top; a layer is one or more namespaces that sit side by side. A type may use types of its
/// own namespace and of any layer below; an edge to a layer above or to a sibling on the same layer is a back edge.
/// A namespace matches a layer's entry exactly or as a child (<c>CryoSphere.Cli</c> covers
/// <c>CryoSphere.Cli.Commands</c>); the root <c>CryoSphere</c> matches only itself. A namespace of the product that no
/// layer names is reported too, so a new folder has to be placed before it can be used.
/// </summary>
public sealed class Layering
{
    private readonly IReadOnlyList<string[]> _layers;
    private readonly string _product;

    /// <param name="product">Namespaces starting with this belong to the code under test; others (System, TorchSharp) are outside.</param>
    /// <param name="layers">Bottom first.</param>
    public Layering(string product, IReadOnlyList<string[]> layers)
    {
        _product = product;
        _layers = layers;
    }

    /// <summary>(level, entry) of a namespace, or null when it is outside the product.</summary>
    public (int Level, string Entry)? Place(string ns)
    {
        if (!(ns == _product || ns.StartsWith(_product + ".", StringComparison.Ordinal))) return null;
        (int, string)? best = null;
        for (int level = 0; level < _layers.Count; level++)
            foreach (string entry in _layers[level])
            {
                bool match = ns == entry || (entry != _product && ns.StartsWith(entry + ".", StringComparison.Ordinal));
                if (match && (best is null || entry.Length > best.Value.Item2.Length)) best = (level, entry);
            }
        return best ?? (-1, "");
    }

    /// <summary>One line per edge against the direction (or into an unplaced namespace), naming both types.</summary>
    public IReadOnlyList<string> Violations(IEnumerable<TypeEdge> edges)
    {
        var found = new List<string>();
        foreach (TypeEdge e in edges)
        {
            var from = Place(e.FromNamespace);
            var to = Place(e.ToNamespace);
            if (from is null || to is null) continue;
            if (from.Value.Level < 0) { found.Add($"{e.From}: namespace {e.FromNamespace} is in no layer"); continue; }
            if (to.Value.Level < 0) { found.Add($"{e.From} → {e.To}: namespace {e.ToNamespace} is in no layer"); continue; }
            if (from.Value.Entry == to.Value.Entry) continue;
            if (to.Value.Level > from.Value.Level)
                found.Add($"{e.From} → {e.To}: {from.Value.Entry} uses {to.Value.Entry}, a layer above it");
            else if (to.Value.Level == from.Value.Level)
                found.Add($"{e.From} → {e.To}: {from.Value.Entry} uses {to.Value.Entry}, a sibling on its layer");
        }
        return found.Distinct().ToList();
    }

    /// <summary>Edges from types of <paramref name="ns"/> (exactly that namespace, or under it when
    /// <paramref name="withChildren"/>) to any namespace starting with <paramref name="forbiddenPrefix"/>.</summary>
    public static IReadOnlyList<string> Uses(IEnumerable<TypeEdge> edges, string ns, bool withChildren, string forbiddenPrefix) =>
        edges.Where(e => e.FromNamespace == ns || (withChildren && e.FromNamespace.StartsWith(ns + ".", StringComparison.Ordinal)))
             .Where(e => e.ToNamespace == forbiddenPrefix || e.ToNamespace.StartsWith(forbiddenPrefix + ".", StringComparison.Ordinal))
             .Select(e => $"{e.From} → {e.To}")
             .Distinct()
             .ToList();
}
