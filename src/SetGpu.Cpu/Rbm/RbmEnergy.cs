namespace SetGpu.Rbm;

/// <summary>
/// The energy-based quantities of an RBM, the definitions every engine computes. With pre-activations
/// z_j = c_j + Σ_i W[i, j]·v_i, the free energy is
/// <code>
///   Bernoulli visible: F(v) = −Σ_i b_i·v_i          − Σ_j softplus(z_j)
///   Gaussian visible:  F(v) = ½·Σ_i (v_i − b_i)²    − Σ_j softplus(z_j)
/// </code>
/// and log p(v) = −F(v) − log Z. The host versions here, in double precision, are the reference for the tests.
/// </summary>
public static class RbmEnergy
{
    /// <summary>log(1 + eˣ), without overflow for large x and without cancellation for very negative x.</summary>
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    /// <summary>log(2π)/2: the log-normaliser of one unit-variance Gaussian.</summary>
    public const double HalfLogTwoPi = 0.91893853320467274178;

    /// <summary>The visible term of −F(v) for one unit: b·v (Bernoulli) or −½(v − b)² (Gaussian).</summary>
    public static double VisibleTerm(VisibleUnitKind kind, double v, double b) =>
        kind == VisibleUnitKind.Bernoulli ? b * v : -0.5 * (v - b) * (v - b);

    /// <summary>The hidden pre-activations c + Wᵀv of one sample, on the host.</summary>
    public static double[] HiddenPreActivations(SparseRbm rbm, ReadOnlySpan<float> v)
    {
        var z = rbm.HiddenBias.Select(c => (double)c).ToArray();
        var p = rbm.Weights.Pattern;
        var w = rbm.Weights.Weights;
        for (int i = 0; i < rbm.Visible; i++)
            for (int k = p.Offsets[i]; k < p.Offsets[i + 1]; k++) z[p.Columns[k]] += (double)w[k] * v[i];
        return z;
    }

    /// <summary>F(v) of one sample on the host, in double precision.</summary>
    public static double FreeEnergy(SparseRbm rbm, ReadOnlySpan<float> v)
    {
        if (v.Length != rbm.Visible) throw new ArgumentException($"sample has {v.Length} values, the RBM {rbm.Visible} visible units");
        double f = 0;
        for (int i = 0; i < v.Length; i++) f -= VisibleTerm(rbm.Spec.VisibleUnits, v[i], rbm.VisibleBias[i]);
        foreach (double z in HiddenPreActivations(rbm, v)) f -= Softplus(z);
        return f;
    }
}
