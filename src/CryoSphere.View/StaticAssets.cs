using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CryoSphere.View;

/// <summary>The page and its vendored scripts, served from the assembly's embedded wwwroot/ (no files on disk, no CDN).</summary>
public static class StaticAssets
{
    private static readonly Assembly Asm = typeof(StaticAssets).Assembly;
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [".md"] = "text/plain; charset=utf-8",
        [""] = "text/plain; charset=utf-8",
    };

    /// <summary>The bytes of embedded asset <paramref name="path"/> (e.g. "app.js"), or null.</summary>
    public static byte[]? Read(string path)
    {
        if (path.Contains("..", StringComparison.Ordinal)) return null;
        using var s = Asm.GetManifestResourceStream("wwwroot/" + path);
        if (s is null) return null;
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    public static void Map(WebApplication app)
    {
        app.MapGet("/", () => Serve("index.html"));
        app.MapGet("/{**path}", (string path) => path.StartsWith("api/", StringComparison.Ordinal)
            ? ViewApi.Error(StatusCodes.Status404NotFound, $"no such API call: /{path}")
            : Serve(path));
    }

    private static IResult Serve(string path)
    {
        var bytes = Read(path);
        if (bytes is null) return ViewApi.Error(StatusCodes.Status404NotFound, $"no such page: /{path}");
        string type = Types.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
        return Results.Bytes(bytes, type);
    }
}
