using CryoSphere.Simulation;

namespace CryoSphere.Bench;

/// <summary>One dataset of the validation panel: how to simulate it (given the shared structures folder and a seed).</summary>
/// <param name="Name">Short name used on the command line and in the table.</param>
/// <param name="What">What moves, in words.</param>
/// <param name="Slow">Large members (≥ 1,000 residues or 128 px): run them on purpose.</param>
/// <param name="Make">Simulation options from (shared structures folder, output folder, seed).</param>
internal sealed record PanelMember(string Name, string What, bool Slow, Func<string, string, int, SimulationOptions> Make);

/// <summary>
/// The validation panel (issue 9): proteins of different sizes, motions that move a small domain, half the
/// chain, two domains independently, an interpolation between two real states and a real NMR ensemble, at
/// several SNRs and box sizes. Every member is made by <c>simulate</c> from files in ../shared/data/structures
/// (plus one synthetic two-bundle protein written by <see cref="SyntheticBundles"/>), from a seed.
/// </summary>
internal static class PanelMembers
{
    private static SimulationOptions Base(string structure, string outDir, int seed, int images = 5000, int npix = 64, double apix = 2, double snr = 0.1) => new()
    {
        StructurePath = structure, OutDirValue = outDir, Seed = seed, NImages = images, Npix = npix, Apix = apix, Snr = snr, ShiftMax = 4,
    };

    public static IReadOnlyList<PanelMember> All { get; } =
    [
        new("lid-1ake", "1AKE A (214 res): LID A:122-159 ±45°, 64 px, SNR 0.1", false, (s, o, seed) =>
            Base(Path.Combine(s, "1ake.pdb"), o, seed) with { Chains = ["A"], Selections = ["A:122-159"], Axis = "A:118,A:167", Range = [-45, 45] }),
        new("half-2dri", "2DRI A (271 res): C-lobe A:104-235 ±30° at the hinge, 64 px, SNR 0.1", false, (s, o, seed) =>
            Base(Path.Combine(s, "2DRI.cif"), o, seed) with { Chains = ["A"], Selections = ["A:104-235"], Axis = "A:104,A:235", Range = [-30, 30] }),
        new("half-2dri-snr0.01", "as half-2dri at SNR 0.01", false, (s, o, seed) =>
            Base(Path.Combine(s, "2DRI.cif"), o, seed, snr: 0.01) with { Chains = ["A"], Selections = ["A:104-235"], Axis = "A:104,A:235", Range = [-30, 30] }),
        new("half-2dri-snr0.001", "as half-2dri at SNR 0.001, 20,000 images", false, (s, o, seed) =>
            Base(Path.Combine(s, "2DRI.cif"), o, seed, images: 20000, snr: 0.001) with { Chains = ["A"], Selections = ["A:104-235"], Axis = "A:104,A:235", Range = [-30, 30] }),
        new("bundles-half", "synthetic 408-res two 4-helix bundles: second bundle ±30° at the linker, 64 px, SNR 0.3", false, (s, o, seed) =>
            Base(SyntheticBundles.Write(Path.GetDirectoryName(o)!), o, seed, snr: 0.3) with { Selections = ["A:209-408"], Axis = "A:209,A:408", Range = [-30, 30] }),
        new("two-hinges-1ake", "1AKE A: LID A:122-159 ±45° and NMP A:30-59 ±30° independently (2-D truth), 64 px, SNR 0.1, 10,000 images", false, (s, o, seed) =>
            Base(Path.Combine(s, "1ake.pdb"), o, seed, images: 10000) with { Chains = ["A"], Hinges = ["A:122-159;A:118,A:167;-45,45", "A:30-59;A:29,A:60;-30,30"] }),
        new("nmp-1ake", "1AKE A: the NMP A:30-59 alone ±30° (two-hinges-1ake's weaker motion by itself), 64 px, SNR 0.1, 10,000 images", false, (s, o, seed) =>
            Base(Path.Combine(s, "1ake.pdb"), o, seed, images: 10000) with { Chains = ["A"], Hinges = ["A:30-59;A:29,A:60;-30,30"] }),
        new("lid-1ake-image-snr0.01", "as lid-1ake at SNR 0.01 in the whole-image convention", false, (s, o, seed) =>
            Base(Path.Combine(s, "1ake.pdb"), o, seed, snr: 0.01) with { Chains = ["A"], Selections = ["A:122-159"], Axis = "A:118,A:167", Range = [-45, 45], SnrConvention = "image" }),
        new("core-4ake-96", "4AKE A (214 res): LID+NMP (A:30-59, A:122-159) ±25° against the CORE, 96 px at 1.5 Å, SNR 0.1", false, (s, o, seed) =>
            Base(Path.Combine(s, "4AKE.cif"), o, seed, npix: 96, apix: 1.5) with { Chains = ["A"], Selections = ["A:30-59", "A:122-159"], Axis = "A:118,A:167", Range = [-25, 25] }),
        new("interp-2dri-1urp", "2DRI A ↔ 1URP A (closed ↔ open, real states), t in [0,1], 96 px at 1.5 Å, SNR 0.1", false, (s, o, seed) =>
            Base(Path.Combine(s, "2DRI.cif"), o, seed, npix: 96, apix: 1.5) with { Chains = ["A"], Motion = "interpolate", StructureEnd = Path.Combine(s, "1URP.cif"), Range = [0, 1] }),
        new("nmr-2k8r", "2K8R (133 res): the 20 NMR models as states, in the deposited order, 64 px at 1.5 Å, SNR 0.1", false, (s, o, seed) =>
            Base(Path.Combine(s, "2K8R.cif"), o, seed, apix: 1.5) with { Motion = "trajectory", Trajectory = Path.Combine(s, "2K8R.cif") }),
        new("nmr-2k8r-mode1", "2K8R: the 20 NMR models as states ordered along the ensemble's main mode, 64 px at 1.5 Å, SNR 0.1", false, (s, o, seed) =>
            Base(Path.Combine(s, "2K8R.cif"), o, seed, apix: 1.5) with { Motion = "trajectory", Trajectory = EnsembleByMainMode.Write(Path.Combine(s, "2K8R.cif"), Path.GetDirectoryName(o)!) }),
        new("cas9-4cmq", "4CMQ A Cas9 (1,156 res): HNH domain A:775-908 ±30°, 128 px at 2 Å, SNR 0.1, 10,000 images", true, (s, o, seed) =>
            Base(Path.Combine(s, "4CMQ.cif"), o, seed, images: 10000, npix: 128) with { Chains = ["A"], Selections = ["A:775-908"], Range = [-30, 30] }),
        new("rnap-6c6s", "6C6S (3,360 res, 6 chains): RfaH chain D ±30°, 128 px at 2 Å, SNR 0.1, 10,000 images", true, (s, o, seed) =>
            Base(Path.Combine(s, "6C6S.cif"), o, seed, images: 10000, npix: 128) with { Chains = ["G", "H", "I", "J", "K", "D"], Selections = ["D:1-162"], Range = [-30, 30] }),
    ];
}
