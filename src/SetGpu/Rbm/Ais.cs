using SetGpu.Data;

namespace SetGpu.Rbm;

/// <summary>An AIS estimate of log Z.</summary>
/// <param name="LogZ">The estimate: log Z_base + log mean(w).</param>
/// <param name="StdErr">Standard error of <paramref name="LogZ"/> by the delta method: sd(w) / (√runs · mean(w)).</param>
/// <param name="LogZBase">log Z of the base model.</param>
/// <param name="Runs">Independent runs.</param>
/// <param name="Betas">Inverse temperatures, 0 and 1 included.</param>
/// <param name="EffectiveRuns">(Σw)² / Σw²: how many runs carry the estimate (close to Runs when the schedule is fine enough).</param>
public sealed record AisResult(double LogZ, double StdErr, double LogZBase, int Runs, int Betas, double EffectiveRuns)
{
    /// <summary>The estimate from the runs' log weights.</summary>
    public static AisResult FromLogWeights(ReadOnlySpan<double> logWeights, double logZBase, int betas)
    {
        int runs = logWeights.Length;
        double max = double.NegativeInfinity;
        foreach (double lw in logWeights) max = Math.Max(max, lw);
        double sum = 0, sumSquares = 0;
        foreach (double lw in logWeights) { double w = Math.Exp(lw - max); sum += w; sumSquares += w * w; }
        double mean = sum / runs;
        double variance = Math.Max(0, (sumSquares - runs * mean * mean) / (runs - 1));
        return new AisResult(logZBase + max + Math.Log(mean), Math.Sqrt(variance / runs) / mean, logZBase, runs, betas,
                             sum * sum / sumSquares);
    }
}

/// <summary>A log-likelihood estimate on a data set.</summary>
/// <param name="LogZ">The AIS estimate of log Z.</param>
/// <param name="ExactLogZ">The exact log Z when the RBM is small enough to sum (see <see cref="RbmPartition"/>), else null.</param>
/// <param name="MeanLogProbability">Mean over the samples of log p(v) = −F(v) − log Z, with the exact log Z where there is one.</param>
/// <param name="StdErr">Its standard error: √(StdErr(log Z)² + Var(F)/samples), with no log Z term when log Z is exact.</param>
/// <param name="AisMeanLogProbability">The same mean with the AIS estimate of log Z (equal to MeanLogProbability without an exact one).</param>
/// <param name="Seconds">Time the AIS runs took.</param>
/// <remarks>
/// AIS's standard error measures the spread of its runs only. When the RBM has modes that the annealed chains do not
/// reach (a CD-trained model can put most of its mass far from the data), every run misses them alike, log Z comes
/// out too low with a small standard error, and the log-likelihood too high: compare with the exact value where
/// the hidden layer is small enough.
/// </remarks>
public sealed record RbmLikelihood(AisResult LogZ, double? ExactLogZ, double MeanLogProbability, double StdErr,
                                   double AisMeanLogProbability, double Seconds);

/// <summary>
/// Annealed importance sampling of an RBM's partition function (Salakhutdinov &amp; Murray, "On the quantitative
/// analysis of deep belief networks", 2008), the definition every engine implements. The intermediate
/// distributions, for β from 0 to 1, with m_β = (1 − β)·b_A + β·b:
/// <code>
///   log p*_β(v) = vis_β(v) + Σ_j softplus(β·(c_j + (Wᵀv)_j))
///   Bernoulli: vis_β(v) = m_βᵀv               Gaussian: vis_β(v) = −½‖v − m_β‖²
/// </code>
/// β = 0 is the base model (visible bias b_A, no weights, hidden units uniform), whose log Z is known and whose
/// samples are exact; β = 1 is the RBM. A transition at β samples h_j ~ σ(β(c_j + (Wᵀv)_j)) and then
/// v ~ Bernoulli(σ(m_β + β·W h)) or N(m_β + β·W h, 1). Each run draws v from the base model (key
/// <c>AisKey(seed, 2, 0)</c>), then for k = 1 … K − 1 adds log p*_{β_k}(v) − log p*_{β_{k−1}}(v) to its log weight and,
/// below the last β, moves v by one transition at β_k (hidden key <c>AisKey(seed, 0, k)</c>, visible
/// <c>AisKey(seed, 1, k)</c>, counters run·units + unit).
/// </summary>
public static class Ais
{
    /// <summary>
    /// The base model's visible bias from training data: the log-odds of each unit's mean, clipped to [0.001, 0.999]
    /// (Bernoulli), or each unit's mean (Gaussian): the data's marginals make the base close to the RBM, so fewer
    /// β suffice.
    /// </summary>
    public static float[] BaseVisibleBias(VisibleUnitKind kind, Dataset train)
    {
        int visible = train.FeatureCount;
        var mean = new double[visible];
        for (int s = 0; s < train.Samples; s++)
        {
            var x = train.Sample(s);
            for (int i = 0; i < visible; i++) mean[i] += x[i];
        }
        var bias = new float[visible];
        for (int i = 0; i < visible; i++)
        {
            double m = mean[i] / train.Samples;
            if (kind == VisibleUnitKind.Bernoulli)
            {
                m = Math.Clamp(m, 0.001, 0.999);
                bias[i] = (float)Math.Log(m / (1 - m));
            }
            else bias[i] = (float)m;
        }
        return bias;
    }

    /// <summary>log Z of the base model: Σ_i softplus(b_A,i) or (visible/2)·log 2π, plus hidden·log 2.</summary>
    public static double BaseLogPartition(VisibleUnitKind kind, ReadOnlySpan<float> baseVisibleBias, int hidden)
    {
        double logZ = hidden * Math.Log(2);
        if (kind == VisibleUnitKind.Gaussian) return logZ + baseVisibleBias.Length * RbmEnergy.HalfLogTwoPi;
        foreach (float b in baseVisibleBias) logZ += RbmEnergy.Softplus(b);
        return logZ;
    }

    /// <summary>log Z by AIS on <paramref name="engine"/>.</summary>
    public static AisResult EstimateLogPartition(IRbmEngine engine, VisibleUnitKind kind, int hidden, AisOptions options,
                                                 ulong seed, ReadOnlySpan<float> baseVisibleBias)
    {
        options.Validate();
        var logWeights = engine.AisLogWeights(options, seed, baseVisibleBias);
        return AisResult.FromLogWeights(logWeights, BaseLogPartition(kind, baseVisibleBias, hidden), options.Betas);
    }

    /// <summary>
    /// The mean log-probability of <paramref name="data"/> under the engine's RBM, with log Z by AIS (base model fitted
    /// to <paramref name="train"/>; runs keyed by <paramref name="seed"/>), and the exact log Z as well when the RBM has at
    /// most <paramref name="exactUpTo"/> hidden units.
    /// </summary>
    public static RbmLikelihood EstimateLogLikelihood(IRbmEngine engine, Dataset train, Dataset data, AisOptions options,
                                                      ulong seed, int exactUpTo = 20)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rbm = engine.Export();
        var kind = rbm.Spec.VisibleUnits;
        var logZ = EstimateLogPartition(engine, kind, rbm.Hidden, options, seed, BaseVisibleBias(kind, train));
        double seconds = clock.Elapsed.TotalSeconds;
        var evaluation = engine.Evaluate(data, 0);
        double? exact = rbm.Hidden <= exactUpTo ? RbmPartition.ExactLogPartition(rbm) : null;
        double sampling = evaluation.FreeEnergyStdDev * evaluation.FreeEnergyStdDev / evaluation.Samples;
        double stdErr = Math.Sqrt((exact is null ? logZ.StdErr * logZ.StdErr : 0) + sampling);
        double ais = -evaluation.MeanFreeEnergy - logZ.LogZ;
        return new RbmLikelihood(logZ, exact, exact is { } z ? -evaluation.MeanFreeEnergy - z : ais, stdErr, ais, seconds);
    }
}
