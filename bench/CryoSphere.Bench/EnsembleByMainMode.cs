using CryoSphere.IO;

namespace CryoSphere.Bench;

/// <summary>
/// An NMR ensemble with its models sorted along the ensemble's first principal component (of the Cα coordinates, as
/// deposited, i.e. superposed): frame k is the k-th model along the main mode. Deposited model numbers have no
/// order, so r against the frame number scores nothing; along the main mode it scores how well a latent follows the
/// ensemble's largest variation, and neighbouring frames are similar structures.
/// </summary>
internal static class EnsembleByMainMode
{
    /// <summary>Writes <c>FOLDER/NAME-mode1.pdb</c> (once) and returns its path.</summary>
    public static string Write(string ensemble, string folder)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, Path.GetFileNameWithoutExtension(ensemble) + "-mode1.pdb");
        if (File.Exists(path)) return path;
        var models = StructureReader.ReadModels(ensemble);
        var coords = models.Select(m => Structure.FromAtomicModel(m, null).Coordinates).ToArray();
        double[] score = FirstComponentScores(coords);
        var order = Enumerable.Range(0, models.Count).OrderBy(k => score[k]).ToArray();
        Pdb.Write(path, order.Select(k => models[k]).ToList());
        return path;
    }

    /// <summary>Each model's projection on the first principal component (power iteration on the models' Gram matrix).</summary>
    public static double[] FirstComponentScores(float[][] coords)
    {
        int m = coords.Length, d = coords[0].Length;
        var mean = new double[d];
        foreach (var c in coords) for (int j = 0; j < d; j++) mean[j] += c[j] / (double)m;
        var gram = new double[m, m];
        for (int a = 0; a < m; a++)
            for (int b = a; b < m; b++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += (coords[a][j] - mean[j]) * (coords[b][j] - mean[j]);
                gram[a, b] = gram[b, a] = s;
            }
        var v = Enumerable.Range(0, m).Select(k => 1.0 + 0.01 * k).ToArray();   // not orthogonal to the top eigenvector
        for (int it = 0; it < 500; it++)
        {
            var w = new double[m];
            for (int a = 0; a < m; a++) for (int b = 0; b < m; b++) w[a] += gram[a, b] * v[b];
            double norm = Math.Sqrt(w.Sum(x => x * x));
            v = w.Select(x => x / norm).ToArray();
        }
        return v;   // the Gram matrix's top eigenvector is proportional to the models' PC1 scores
    }
}
