using CryoSphere.Cli;

namespace CryoSphere.Tests.Architecture;

/// <summary>
/// The layering of docs/design.md, read from the compiled IL of the library and the CLI: every type uses only its own
/// namespace and the layers below. The checker itself is tested on made-up edges, so a passing run means "no back
/// edge", not "nothing was looked at".
/// </summary>
public class ArchitectureTests
{
    /// <summary>Bottom first; namespaces on one line are siblings and may not use each other.</summary>
    public static readonly IReadOnlyList<string[]> Layers =
    [
        ["CryoSphere"],                                  // Core: units, poses, CTF parameters, structure addressing, errors
        ["CryoSphere.IO"],                               // file formats, plain C#
        ["CryoSphere.Geometry"],                         // Rotations (doubles and tensors)
        ["CryoSphere.Data", "CryoSphere.Imaging"],       // particle datasets, loader | projection, CTF, Fourier, masks
        ["CryoSphere.Model"],                            // encoder, decoder, segmentation, deformation, losses
        ["CryoSphere.Distributed"],                      // communicators (MPI), data-parallel gradient averaging
        ["CryoSphere.Training"],                         // options, trainer, checkpoints
        ["CryoSphere.Simulation", "CryoSphere.Analysis"], // known-answer data; reading a trained run
        ["CryoSphere.Workflows"],                        // several of the above in sequence (demo, backprojection, fit)
        ["CryoSphere.View"],                             // the `view` dashboard's server (its own assembly)
        ["CryoSphere.Cli"],                              // parsing and printing
    ];

    private static readonly Lazy<IReadOnlyList<TypeEdge>> Edges = new(() =>
        TypeDependencies.Read(typeof(Structure).Assembly.Location)
            .Concat(TypeDependencies.Read(typeof(CliApp).Assembly.Location))
            .ToList());

    [Fact]
    public void No_type_uses_a_layer_above_it_or_a_sibling()
    {
        var violations = new Layering("CryoSphere", Layers).Violations(Edges.Value);
        Assert.True(violations.Count == 0, $"{violations.Count} back edges:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Formats_and_the_command_line_do_not_touch_tensors()
    {
        // design.md: formats are plain C# (fast to test, reusable); the CLI parses and prints and leaves tensors
        // to the library.
        var found = Layering.Uses(Edges.Value, "CryoSphere.IO", true, "TorchSharp")
            .Concat(Layering.Uses(Edges.Value, "CryoSphere.Cli", true, "TorchSharp"))
            .ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void Core_holds_no_tensor_code_but_the_TorchSharp_runtime_rules()
    {
        // Core is plain data (structure, poses, CTF parameters, selections); the three types that set the rules for
        // every TorchSharp call (device and threads, cached Scalars, the no-GC guard) live there too, so that every
        // layer reaches them, and nothing else in Core may touch TorchSharp.
        string[] runtime = ["CryoSphere.TorchRuntime", "CryoSphere.Scalars", "CryoSphere.NativeCallGuard"];
        var found = Layering.Uses(Edges.Value.Where(e => !runtime.Contains(e.From)), "CryoSphere", false, "TorchSharp");
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void The_reader_sees_references_that_no_using_line_shows()
    {
        // Edges that must be there for the checks to mean anything: the trainer uses the model, the CLI the
        // workflows, the model TorchSharp.
        var edges = Edges.Value;
        Assert.Contains(edges, e => e.From == "CryoSphere.Training.Trainer" && e.ToNamespace == "CryoSphere.Model");
        Assert.Contains(edges, e => e.FromNamespace == "CryoSphere.Cli" && e.ToNamespace == "CryoSphere.Workflows");
        Assert.Contains(edges, e => e.FromNamespace == "CryoSphere.Model" && e.ToNamespace == "TorchSharp");
    }

    [Fact]
    public void Every_TorchSharp_call_in_the_orchestrating_layers_runs_under_the_guard()
    {
        // NativeCallGuard keeps the GC (and so the finalizer that frees TorchSharp's implicit Scalars) out of native
        // calls (design.md, Performance). The layers that run loops over data must enter it around every block that
        // calls TorchSharp, or be called only from inside one.
        // A loop over PreparedBatch.Each runs its body while the batch holds the guard.
        var found = GuardCoverage.Unguarded(typeof(Structure).Assembly.Location, "CryoSphere.NativeCallGuard",
            ["CryoSphere.Analysis", "CryoSphere.Workflows", "CryoSphere.Simulation", "CryoSphere.Training"], ["CryoSphere.Training.PreparedBatch.Each"]);
        Assert.True(found.Count == 0, $"{found.Count} methods call TorchSharp outside NativeCallGuard:\n" + string.Join("\n", found));
    }

    [Fact]
    public void A_TorchSharp_call_outside_the_guard_is_reported()
    {
        string asm = typeof(ArchitectureTests).Assembly.Location, guard = "CryoSphere.Tests.Architecture.Fake.Low.Guard";
        string[] ns = ["CryoSphere.Tests.Architecture.Fake.Torch"];
        Assert.Equal(["CryoSphere.Tests.Architecture.Fake.Torch.Kernels.InScope", "CryoSphere.Tests.Architecture.Fake.Torch.Kernels.Unguarded"],
            GuardCoverage.Unguarded(asm, guard, ns).Order());
        // Named as a scope, a loop over Batches.Each covers its body.
        Assert.Equal(["CryoSphere.Tests.Architecture.Fake.Torch.Kernels.Unguarded"], GuardCoverage.Unguarded(asm, guard, ns, ["CryoSphere.Tests.Architecture.Fake.Torch.Batches.Each"]));
    }

    [Fact]
    public void A_back_edge_in_a_made_up_dependency_list_is_reported()
    {
        var layering = new Layering("CryoSphere", Layers);
        var fine = new TypeEdge("CryoSphere.Analysis.Evaluator", "CryoSphere.Analysis", "CryoSphere.IO.MrcVolume", "CryoSphere.IO");
        var up = new TypeEdge("CryoSphere.IO.StarFile", "CryoSphere.IO", "CryoSphere.Data.ParticleTable", "CryoSphere.Data");
        var sibling = new TypeEdge("CryoSphere.Analysis.Evaluator", "CryoSphere.Analysis", "CryoSphere.Simulation.TruthTable", "CryoSphere.Simulation");
        var child = new TypeEdge("CryoSphere.Workflows.Demo", "CryoSphere.Workflows", "CryoSphere.Cli.Commands.X", "CryoSphere.Cli.Commands");
        var unplaced = new TypeEdge("CryoSphere.Model.Encoder", "CryoSphere.Model", "CryoSphere.Misc.Helper", "CryoSphere.Misc");
        var outside = new TypeEdge("CryoSphere.IO.StarFile", "CryoSphere.IO", "TorchSharp.torch", "TorchSharp");

        Assert.Empty(layering.Violations([fine, outside]));
        var found = layering.Violations([fine, up, sibling, child, unplaced, outside]);
        Assert.Equal(4, found.Count);
        Assert.Contains(found, v => v.StartsWith("CryoSphere.IO.StarFile → CryoSphere.Data.ParticleTable") && v.Contains("above"));
        Assert.Contains(found, v => v.StartsWith("CryoSphere.Analysis.Evaluator → CryoSphere.Simulation.TruthTable") && v.Contains("sibling"));
        Assert.Contains(found, v => v.StartsWith("CryoSphere.Workflows.Demo → CryoSphere.Cli.Commands.X") && v.Contains("above"));
        Assert.Contains(found, v => v.Contains("CryoSphere.Misc is in no layer"));
        Assert.Equal(["CryoSphere.IO.StarFile → TorchSharp.torch"], Layering.Uses([outside, up], "CryoSphere.IO", true, "TorchSharp"));
    }

    [Fact]
    public void A_back_edge_compiled_into_a_real_assembly_is_reported()
    {
        // The test assembly itself has a type in a product-like namespace that uses one above it (below): the reader
        // and the checker together must find it in IL.
        var edges = TypeDependencies.Read(typeof(ArchitectureTests).Assembly.Location)
            .Where(e => e.FromNamespace.StartsWith("CryoSphere.Tests.Architecture.Fake", StringComparison.Ordinal))
            .ToList();
        var layering = new Layering("CryoSphere.Tests.Architecture.Fake", [["CryoSphere.Tests.Architecture.Fake.Low"], ["CryoSphere.Tests.Architecture.Fake.High", "CryoSphere.Tests.Architecture.Fake.Torch"]]);
        var found = layering.Violations(edges);
        Assert.Equal(["CryoSphere.Tests.Architecture.Fake.Low.Reader → CryoSphere.Tests.Architecture.Fake.High.Holder: CryoSphere.Tests.Architecture.Fake.Low uses CryoSphere.Tests.Architecture.Fake.High, a layer above it"], found);
    }
}
