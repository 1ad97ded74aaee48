namespace SetGpu;

/// <summary>The distribution of an RBM's visible units given the hidden ones.</summary>
public enum VisibleUnitKind
{
    /// <summary>Binary units, p(v_i = 1 | h) = σ(b_i + (W h)_i); data in [0, 1] are read as probabilities.</summary>
    Bernoulli,
    /// <summary>Real-valued units of unit variance with a linear mean: v_i | h ~ N(b_i + (W h)_i, 1); standardise the data.</summary>
    Gaussian,
}
