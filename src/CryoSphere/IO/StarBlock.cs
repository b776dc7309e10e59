namespace CryoSphere.IO;

/// <summary>
/// One <c>data_NAME</c> block of a STAR file: ordered <c>_key value</c> pairs and at most one <c>loop_</c> table.
/// Keys are stored without the leading underscore.
/// </summary>
public sealed class StarBlock
{
    /// <summary>The block name after <c>data_</c> (empty for a bare <c>data_</c>).</summary>
    public string Name { get; }

    /// <summary>Key/value pairs in file order, keys without the leading underscore.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    /// <summary>The block's table, or null for a block of pairs only.</summary>
    public StarTable? Loop { get; }

    public StarBlock(string name, IEnumerable<KeyValuePair<string, string>>? pairs = null, StarTable? loop = null)
    {
        Name = name.StartsWith("data_", StringComparison.Ordinal) ? name[5..] : name;
        Pairs = (pairs ?? []).Select(p => KeyValuePair.Create(StarTable.StripUnderscore(p.Key), p.Value)).ToArray();
        Loop = loop;
        if (loop is not null) loop.BlockName = Name;
    }

    /// <summary>The value of pair <paramref name="key"/> (with or without <c>_</c>).</summary>
    public bool TryGetPair(string key, out string value)
    {
        key = StarTable.StripUnderscore(key);
        foreach (var p in Pairs)
            if (p.Key == key) { value = p.Value; return true; }
        value = "";
        return false;
    }
}
