using System.Globalization;
using System.Runtime.InteropServices;
using CryoSphere.Analysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CryoSphere.View;

/// <summary>
/// The dashboard's API. Indices are 0-based (particles, PCs); a bad request (unknown particle, malformed latent,
/// PC out of range) gets a 4xx with <c>{"error": "…"}</c>, never a crash.
/// </summary>
public static class ViewApi
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    private static IResult Bad(string message) => Error(StatusCodes.Status400BadRequest, message);

    public static void Map(WebApplication app, ViewSession s)
    {
        var selectionGate = new Lock();
        string selectionRoot = Path.Combine(s.AnalysisDir ?? s.Run.Folder.Root, "view_selections");
        var (g, hard, k) = s.Run.Segmentation();
        var segments = hard.Select(h => (float)(h + 1)).ToArray();
        var structure = s.Run.Setup.Structure;

        app.MapGet("/api/summary", () => Results.Json(new
        {
            run = s.Run.Folder.Root,
            analysis = s.AnalysisDir,
            checkpoint = Path.GetFileName(s.Run.CheckpointPath),
            particles = s.Count,
            latentDim = s.LatentDim,
            explainedVarianceRatio = s.Pca.ExplainedVarianceRatio,
            colours = s.Colours.All.Select(c => new { name = c.Name, categorical = c.Categorical }),
            hasImages = s.HasImages && s.ParticlesLinked,
            particlesLinked = s.ParticlesLinked,
            residues = structure.Count,
            segments = k,
            missing = s.Missing,
        }));

        // PC coordinates of every latent on two PCs, float32 little-endian (x0, y0, x1, y1, …): 2.4 MB for 300,000.
        // ?max=M sends every k-th latent only (k = ⌈n/M⌉, in the X-Stride header): the page's quick first paint.
        app.MapGet("/api/points", (HttpResponse response, string? x, string? y, string? max) =>
        {
            if (!TryPc(x ?? "0", s, out int px, out var e1)) return Bad(e1);
            if (!TryPc(y ?? "1", s, out int py, out var e2)) return Bad(e2);
            int stride = 1;
            if (max is not null)
            {
                if (!int.TryParse(max, NumberStyles.Integer, Inv, out int m) || m < 1) return Bad($"max '{max}' must be a positive integer");
                stride = (s.Count + m - 1) / m;
            }
            int count = (s.Count + stride - 1) / stride;
            var v = new float[count * 2];
            for (int k = 0; k < count; k++)
            {
                int i = k * stride;
                v[2 * k] = s.Pcs[i * s.LatentDim + px];
                v[2 * k + 1] = s.Pcs[i * s.LatentDim + py];
            }
            response.Headers["X-Stride"] = stride.ToString(Inv);
            return Results.Bytes(MemoryMarshal.AsBytes(v.AsSpan()).ToArray(), "application/octet-stream");
        });

        app.MapGet("/api/colour", (string? name) =>
        {
            if (string.IsNullOrEmpty(name)) return Bad("give ?name= (one of the colours in /api/summary)");
            var v = s.Colours.Values(name);
            if (v is null) return Error(StatusCodes.Status404NotFound, $"no colour column '{name}'");
            return Results.Bytes(MemoryMarshal.AsBytes(v.AsSpan()).ToArray(), "application/octet-stream");
        });

        app.MapGet("/api/particles/{id}", (string id) =>
        {
            if (!TryParticle(id, s, out int i, out var e)) return e;
            int l = s.LatentDim;
            return Results.Json(new
            {
                index = i,
                image = s.ParticlesLinked ? s.Run.Setup.Particles.Table.ImageNames[i] : null,
                z = s.Z.AsSpan(i * l, l).ToArray(),
                pcs = s.Pcs.AsSpan(i * l, l).ToArray(),
            });
        });

        app.MapGet("/api/particles/{id}/images", async (string id) =>
        {
            if (!TryParticle(id, s, out int i, out var e)) return e;
            if (!s.ParticlesLinked || !s.HasImages)
                return Error(StatusCodes.Status409Conflict, "particle images are not available: " + string.Join("; ", s.Missing));
            await s.ModelLock.WaitAsync();
            try
            {
                var p = ParticleImages.Compute(s, i);
                return Results.Json(new { index = p.Index, size = p.Size, observed = p.Observed, predicted = p.Predicted, residual = p.Residual, correlation = p.Correlation });
            }
            finally { s.ModelLock.Release(); }
        });

        // A structure decoded from a latent: ?z= (L numbers), ?pcs= (PC coordinates, the rest at the mean) or ?particle=.
        app.MapGet("/api/structure", async (string? z, string? pcs, string? particle) =>
        {
            float[] latent;
            int given = (z is null ? 0 : 1) + (pcs is null ? 0 : 1) + (particle is null ? 0 : 1);
            if (given != 1) return Bad("give exactly one of ?z=, ?pcs= or ?particle=");
            if (particle is not null)
            {
                if (!TryParticle(particle, s, out int i, out var e)) return e;
                latent = s.Z.AsSpan(i * s.LatentDim, s.LatentDim).ToArray();
            }
            else if (z is not null)
            {
                if (!TryNumbers(z, "z", s.LatentDim, exact: true, out var v, out var err)) return Bad(err);
                latent = v.Select(x => (float)x).ToArray();
            }
            else
            {
                if (!TryNumbers(pcs!, "pcs", s.LatentDim, exact: false, out var v, out var err)) return Bad(err);
                latent = s.LatentFromPcs(v);
            }
            float[] coords;
            await s.ModelLock.WaitAsync();
            try { coords = s.Run.Decode(latent, 1); }
            finally { s.ModelLock.Release(); }
            return Results.Json(new { z = latent, coords, pdb = StructureText.Pdb(structure, coords, 1, segments) });
        });

        // A traversal along one PC over the model's population, as analyze makes it (TraversalRange): one PDB model per step.
        app.MapGet("/api/traversal", async (string? pc, string? steps) =>
        {
            if (!TryPc(pc ?? "0", s, out int c, out var e)) return Bad(e);
            int m = 10;
            if (steps is not null && (!int.TryParse(steps, NumberStyles.Integer, Inv, out m) || m < 2 || m > 100))
                return Bad($"steps '{steps}' must be an integer 2…100");
            var values = TraversalRange.Values(s.PopulationPcs, s.Count, s.LatentDim, c, m);
            var zt = new float[m * s.LatentDim];
            for (int i = 0; i < m; i++) s.Pca.PointAlong(c, values[i]).CopyTo(zt, i * s.LatentDim);
            float[] coords;
            await s.ModelLock.WaitAsync();
            try { coords = s.Run.Decode(zt, m); }
            finally { s.ModelLock.Release(); }
            return Results.Json(new { pc = c, values, pdb = StructureText.Pdb(structure, coords, m, segments) });
        });

        app.MapGet("/api/segmentation", () => Results.Json(new
        {
            segments = k,
            chains = structure.ChainIds,
            residues = structure.ResidueNumbers,
            names = structure.ResidueNames,
            segment = hard.Select(h => h + 1),
            membership = g,
        }));

        app.MapGet("/api/metrics", () =>
        {
            var t = MetricsTable.Read(s.Run.Folder.Metrics);
            return Results.Json(new
            {
                columns = t.Columns,
                rows = t.Rows.Select(r => r.Select(v => double.IsFinite(v) ? v : (double?)null)),
                modified = t.Modified,
            });
        });

        app.MapPost("/api/selection", (SelectionRequest? req) =>
        {
            if (req is null) return Bad("expected a JSON body {\"x\": pc, \"y\": pc, \"polygon\": [[x, y], …]}");
            if (req.X < 0 || req.X >= s.LatentDim || req.Y < 0 || req.Y >= s.LatentDim)
                return Bad($"x and y are PCs 0…{s.LatentDim - 1}");
            if (req.Polygon is not { Length: >= 3 } poly || poly.Any(p => p is not { Length: 2 } || !double.IsFinite(p[0]) || !double.IsFinite(p[1])))
                return Bad("polygon needs at least 3 finite [x, y] corners");
            var idx = SelectionExport.Inside(s, req.X, req.Y, poly.Select(p => (p[0], p[1])).ToArray());
            if (idx.Length == 0) return Bad("the selection holds no particles");
            SelectionExport.Result r;
            lock (selectionGate) r = SelectionExport.Write(s, idx, selectionRoot);
            string name = Path.GetFileName(r.Folder);
            return Results.Json(new
            {
                count = r.Count,
                folder = r.Folder,
                file = r.File,
                download = $"/api/selections/{name}/file",
                note = r.File is null ? "the latents are not one per particle of a STAR/.cs file: wrote selected_indices.txt only" : null,
            });
        });

        app.MapGet("/api/selections/{name}/file", (string name) =>
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^selection_[0-9]+$")) return Bad($"no selection '{name}'");
            string dir = Path.Combine(selectionRoot, name);
            foreach (var f in new[] { "selected.star", "selected.cs", "selected_indices.txt" })
            {
                string p = Path.Combine(dir, f);
                if (File.Exists(p)) return Results.File(p, "application/octet-stream", $"{name}_{f}");
            }
            return Error(StatusCodes.Status404NotFound, $"no selection '{name}'");
        });
    }

    private static bool TryPc(string text, ViewSession s, out int pc, out string error)
    {
        error = "";
        if (int.TryParse(text, NumberStyles.Integer, Inv, out pc) && pc >= 0 && pc < s.LatentDim) return true;
        error = $"PC '{text}' must be an integer 0…{s.LatentDim - 1}";
        return false;
    }

    private static bool TryParticle(string text, ViewSession s, out int i, out IResult error)
    {
        error = Results.Empty;
        if (!int.TryParse(text, NumberStyles.Integer, Inv, out i))
        {
            error = Bad($"particle '{text}' is not an integer");
            return false;
        }
        if (i < 0 || i >= s.Count)
        {
            error = Error(StatusCodes.Status404NotFound, $"no particle {i}: indices are 0…{s.Count - 1}");
            return false;
        }
        return true;
    }

    private static bool TryNumbers(string text, string name, int dim, bool exact, out double[] values, out string error)
    {
        error = "";
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        values = new double[parts.Length];
        for (int j = 0; j < parts.Length; j++)
            if (!double.TryParse(parts[j], NumberStyles.Float, Inv, out values[j]) || !double.IsFinite(values[j]))
            {
                error = $"{name}: '{parts[j]}' is not a finite number";
                return false;
            }
        if (exact ? parts.Length != dim : parts.Length < 1 || parts.Length > dim)
        {
            error = $"{name} has {parts.Length} numbers; the latent dimension is {dim}" + (exact ? "" : " (give 1…that many)");
            return false;
        }
        return true;
    }
}

/// <summary>Body of POST /api/selection: a polygon in the plane of PCs <see cref="X"/> and <see cref="Y"/> (0-based).</summary>
public sealed record SelectionRequest(int X, int Y, double[][]? Polygon);
