using CryoSphere.Geometry;
using Xunit.Abstractions;

namespace CryoSphere.Tests.Geometry;

/// <summary>
/// <see cref="RotationGrid.SuperFibonacci"/> gives proper rotations and covers SO(3) better than as many uniform
/// random draws: the largest angle from a probe rotation to its nearest grid member (the hole the fit's global
/// search can miss) is clearly smaller than the random set's.
/// </summary>
public class RotationGridTests(ITestOutputHelper log)
{
    [Fact]
    public void GridRotationsAreProperAndCoverSo3BetterThanRandomDraws()
    {
        const int count = 1500, probes = 3000;
        var grid = RotationGrid.SuperFibonacci(count);
        Assert.Equal(count, grid.Count);
        foreach (var r in grid)
        {
            Assert.Equal(1.0, Rotations.Determinant(r), 6);
            double[] rtr = Rotations.Multiply(Rotations.Transpose(r), r);
            for (int i = 0; i < 9; i++) Assert.Equal(i % 4 == 0 ? 1.0 : 0.0, rtr[i], 6);
        }
        var rng = new Random(3);
        var random = Enumerable.Range(0, count).Select(_ => Rotations.UniformRandom(rng)).ToList();
        var probe = Enumerable.Range(0, probes).Select(_ => Rotations.UniformRandom(rng)).ToList();
        double Hole(List<double[]> set) => probe.Max(p => set.Min(g => RotationGrid.Angle(p, g))) * 180 / Math.PI;
        double gridHole = Hole(grid), randomHole = Hole(random);
        // Random draws leave holes well above their mean spacing; a low-discrepancy grid must do clearly better.
        log.WriteLine($"{count} rotations: largest hole {gridHole:F1}° (grid) vs {randomHole:F1}° (random)");
        Assert.True(gridHole < 0.8 * randomHole, $"grid hole {gridHole:F1}° vs random {randomHole:F1}°");
    }

    [Fact]
    public void AngleIsTheRotationAngleBetweenTwoRotations()
    {
        double[] a = Rotations.UniformRandom(new Random(1));
        double[] b = Rotations.Multiply(Rotations.FromAxisAngle([0, 0, 1], 0.3), a);
        Assert.Equal(0.3, RotationGrid.Angle(a, b), 9);
        Assert.Equal(0.0, RotationGrid.Angle(a, a), 6);
    }
}
