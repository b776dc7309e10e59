using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// Projections of every motion state on a grid (the information ceiling's candidates) for a batch of poses. The
/// projection is a sum over atoms, so atoms that no grid state moves are projected once per pose and added to each
/// state's projection of the atoms that move: exact, and the cost of a domain's motion in a large complex is that of
/// the domain (6C6S: 162 of 3,360 residues move).
/// </summary>
internal sealed class CandidateRenderer : IDisposable
{
    private readonly Tensor? _still, _stillAmplitudes;
    private readonly Tensor _moving, _movingAmplitudes;
    private readonly double _sigma;
    private readonly ImageGrid _grid;

    /// <summary>States per pose.</summary>
    public int States { get; }

    /// <summary>Atoms projected once per pose (identical in every state).</summary>
    public int StillAtoms { get; }

    /// <param name="states">(G, R, 3) coordinates of the G states; taken over.</param>
    /// <param name="amplitudes">(R) amplitudes; taken over.</param>
    /// <param name="sigma">Gaussian width (Å).</param>
    /// <param name="grid">The images' grid.</param>
    /// <param name="splitStill">false: every atom projected for every state (the reference the split is tested against).</param>
    public CandidateRenderer(Tensor states, Tensor amplitudes, double sigma, ImageGrid grid, bool splitStill = true)
    {
        States = (int)states.shape[0];
        _sigma = sigma;
        _grid = grid;
        using var scope = NewDisposeScope();
        var moves = (states - states[0]).abs().amax([0, 2]).gt(0);
        var moving = nonzero(moves).squeeze(1);
        var still = nonzero(moves.logical_not()).squeeze(1);
        StillAtoms = splitStill ? (int)still.shape[0] : 0;
        if (StillAtoms > 0 && moving.shape[0] > 0)
        {
            _still = states[0].index_select(0, still).MoveToOuterDisposeScope();
            _stillAmplitudes = amplitudes.index_select(0, still).MoveToOuterDisposeScope();
            _moving = states.index_select(1, moving).MoveToOuterDisposeScope();
            _movingAmplitudes = amplitudes.index_select(0, moving).MoveToOuterDisposeScope();
            states.Dispose();
            amplitudes.Dispose();
        }
        else
        {
            StillAtoms = 0;
            _moving = states;
            _movingAmplitudes = amplitudes;
        }
    }

    /// <summary>(B·G, N, N) projections: pose j's G states are rows j·G … j·G + G − 1.</summary>
    public Tensor Project(Tensor rotations)
    {
        using var scope = NewDisposeScope();
        long b = rotations.shape[0];
        var rot = rotations.repeat_interleave(States, 0);
        var image = GaussianRenderer.RotateAndProject(_moving.repeat(b, 1, 1), rot, _movingAmplitudes, _sigma, _grid);
        if (_still is not null)
            image = image + GaussianRenderer.RotateAndProject(_still, rotations, _stillAmplitudes!, _sigma, _grid).repeat_interleave(States, 0);
        return image.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _still?.Dispose();
        _stillAmplitudes?.Dispose();
        _moving.Dispose();
        _movingAmplitudes.Dispose();
    }
}
