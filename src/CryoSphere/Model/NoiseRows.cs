namespace CryoSphere.Model;

/// <summary>
/// Which rows of a global batch's noise this process uses: the draws are made for all <see cref="Total"/>
/// images of the global batch (from a generator every rank holds in the same state) and rows
/// [<see cref="Offset"/>, <see cref="Offset"/> + B) are kept. So K ranks with B images each draw exactly what
/// one process with K·B images draws, and their generators stay in step. Null means the batch is the whole
/// global batch (one process), which draws B rows as before.
/// </summary>
public sealed record NoiseRows(int Offset, int Total);
