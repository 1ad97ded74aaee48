namespace SetGpu;

/// <summary>
/// Annealed importance sampling of an RBM's partition function (Salakhutdinov &amp; Murray, 2008): independent runs
/// that anneal from a base model with no weights to the RBM through <see cref="Betas"/> intermediate
/// distributions.
/// </summary>
public sealed record AisOptions
{
    /// <summary>Independent AIS runs (the standard error falls as 1/√runs).</summary>
    public int Runs { get; init; } = 100;
    /// <summary>Inverse temperatures β from 0 to 1, both included; more gives a less biased estimate.</summary>
    public int Betas { get; init; } = 10_000;
    /// <summary>Refuses options that cannot run, naming the option and its value.</summary>
    public void Validate()
    {
        InvalidSpecException.Require(Runs >= 2, "Ais.Runs", $"AIS runs must be at least 2 (for a standard error), got {Runs}");
        InvalidSpecException.Require(Betas >= 2, "Ais.Betas", $"AIS betas must be at least 2 (0 and 1), got {Betas}");
    }

    /// <summary>
    /// The schedule: the shape of Salakhutdinov &amp; Murray's (500 steps to 0.5, 4,000 to 0.9, 10,000 to 1), scaled to
    /// <see cref="Betas"/> values, so that the steps are finest where the distribution changes fastest.
    /// </summary>
    public double[] Schedule()
    {
        var betas = new double[Betas];
        int steps = Betas - 1;
        // Cumulative share of the steps at each breakpoint: 500/14500, 4500/14500, 1.
        double[] at = [0, 500.0 / 14500, 4500.0 / 14500, 1], value = [0, 0.5, 0.9, 1];
        for (int k = 0; k <= steps; k++)
        {
            double t = k / (double)steps;
            int seg = t <= at[1] ? 0 : t <= at[2] ? 1 : 2;
            betas[k] = value[seg] + (value[seg + 1] - value[seg]) * (t - at[seg]) / (at[seg + 1] - at[seg]);
        }
        betas[0] = 0;
        betas[^1] = 1;
        return betas;
    }
}
