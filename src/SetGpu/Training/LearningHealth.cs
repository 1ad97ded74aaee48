namespace SetGpu.Training;

/// <summary>A sign that a run has stopped learning.</summary>
public enum HealthProblem
{
    /// <summary>A hidden ReLU layer has at least <see cref="LearningHealth.DeadThreshold"/> of its units zero for every evaluated sample.</summary>
    DeadUnits,
    /// <summary>
    /// The outputs do not depend on the sample: values that do not move, or one predicted class for all samples for
    /// <see cref="LearningHealth.FlatEpochs"/> epochs.
    /// </summary>
    ConstantOutputs,
    /// <summary>Sigmoid outputs pinned at 0 or 1 (σ' below 0.01) while the accuracy is at the majority-class rate.</summary>
    SaturatedOutputs,
    /// <summary>The training loss has not moved for <see cref="LearningHealth.FlatEpochs"/> epochs, at the majority-class accuracy.</summary>
    FlatLoss,
}

/// <summary>One problem found, and what was measured.</summary>
public sealed record HealthFinding(HealthProblem Problem, string Message);

/// <summary>
/// The learning-health checks of one epoch, from what the epoch measured anyway: the training loss of the recent
/// epochs, and the evaluated split's accuracy and <see cref="NetworkActivity"/>.
/// </summary>
public sealed record EpochHealth
{
    /// <summary>Per hidden layer, the fraction of ReLU units that were zero for every evaluated sample (NaN: not a ReLU layer).</summary>
    public double[]? DeadUnits { get; init; }
    /// <summary>The largest range of one output across the evaluated samples.</summary>
    public double OutputRange { get; init; }
    /// <summary>Sigmoid outputs: the fraction of values within 0.01 of 0 or 1; NaN for other outputs.</summary>
    public double SaturatedOutputs { get; init; }
    /// <summary>How many classes the evaluated samples were predicted as.</summary>
    public int PredictedClasses { get; init; }
    /// <summary>The evaluated split's majority-class rate: the accuracy of always answering the largest class.</summary>
    public double MajorityRate { get; init; }
    /// <summary>What looks wrong; empty for a run that learns.</summary>
    public HealthFinding[] Findings { get; init; } = [];
}

/// <summary>
/// Says when a run has stopped learning. Every check reads what the epoch already has: no extra pass over the data or
/// the network.
/// </summary>
public static class LearningHealth
{
    /// <summary>The fraction of dead ReLU units of one layer that is reported.</summary>
    public const double DeadThreshold = 0.5;
    /// <summary>Epochs the training loss must stay flat (the current one included).</summary>
    public const int FlatEpochs = 3;
    /// <summary>"Flat": the spread of those losses within this fraction of their largest.</summary>
    public const double FlatTolerance = 0.01;
    /// <summary>A range of every output below this across the samples counts as constant.</summary>
    public const double ConstantRange = 1e-3;
    /// <summary>The fraction of saturated sigmoid values reported (with the majority-class accuracy).</summary>
    public const double SaturatedThreshold = 0.9;

    /// <summary>The accuracy of always answering the largest class of <paramref name="labels"/>.</summary>
    public static double MajorityRate(ReadOnlySpan<int> labels)
    {
        if (labels.IsEmpty) return 0;
        var counts = new Dictionary<int, int>();
        foreach (int y in labels) counts[y] = counts.GetValueOrDefault(y) + 1;
        return counts.Values.Max() / (double)labels.Length;
    }

    /// <summary>
    /// The health of the epoch whose training loss is <paramref name="trainLoss"/>, after the <paramref name="earlier"/>
    /// epochs, with <paramref name="evaluated"/> the split it was evaluated on (majority rate <paramref name="majority"/>,
    /// <paramref name="classes"/> classes present). Null where the model measures neither accuracy nor activity (RBM).
    /// </summary>
    public static EpochHealth? Check(IReadOnlyList<EpochRecord> earlier, double trainLoss, Metrics? evaluated, double majority, int classes)
    {
        if (evaluated?.Accuracy is not { } accuracy || evaluated.Activity is not { } activity) return null;
        var findings = new List<HealthFinding>();
        if (activity.DeadUnits is { } dead)
            for (int l = 0; l < dead.Length; l++)
                if (dead[l] >= DeadThreshold)
                    findings.Add(new(HealthProblem.DeadUnits, $"hidden layer {l + 1}: {dead[l]:P0} of its ReLU units are zero for every evaluated sample"));
        // A network predicts one class for an epoch or two before it learns; for FlatEpochs epochs it has not.
        bool oneClassBefore = earlier.Count >= FlatEpochs - 1
                              && earlier.Skip(earlier.Count - (FlatEpochs - 1)).All(e => e.Health?.PredictedClasses == 1);
        if (classes > 1 && activity.PredictedClasses == 1 && oneClassBefore)
            findings.Add(new(HealthProblem.ConstantOutputs, $"every evaluated sample has been predicted as the same class for {FlatEpochs} epochs (accuracy {accuracy:P2}, majority class {majority:P2})"));
        else if (activity.OutputRange < ConstantRange)
            findings.Add(new(HealthProblem.ConstantOutputs, $"the outputs are constant across samples (no output varies by more than {activity.OutputRange:G2})"));
        // Half a sample's worth of tolerance: the majority rate itself counts as "at" it.
        bool atMajority = accuracy <= majority + 0.5 / Math.Max(1, evaluated.Samples);
        if (activity.SaturatedOutputs >= SaturatedThreshold && atMajority)
            findings.Add(new(HealthProblem.SaturatedOutputs,
                $"{activity.SaturatedOutputs:P0} of the sigmoid outputs are saturated (σ' < 0.01) at the majority-class accuracy {majority:P2}"));
        if (atMajority && earlier.Count >= FlatEpochs - 1)
        {
            var losses = earlier.Skip(earlier.Count - (FlatEpochs - 1)).Select(e => e.TrainLoss).Append(trainLoss).ToArray();
            double high = losses.Max(), low = losses.Min();
            if (high - low <= FlatTolerance * Math.Abs(high))
                findings.Add(new(HealthProblem.FlatLoss,
                    $"the training loss has stayed at {trainLoss:G4} for {FlatEpochs} epochs at the majority-class accuracy {majority:P2}"));
        }
        return new EpochHealth
        {
            DeadUnits = activity.DeadUnits, OutputRange = activity.OutputRange, SaturatedOutputs = activity.SaturatedOutputs,
            PredictedClasses = activity.PredictedClasses, MajorityRate = majority, Findings = [.. findings],
        };
    }

    /// <summary>The epoch table's cell: <c>ok</c>, or the problems found in short (<c>dead,const,sat,flat</c>).</summary>
    public static string Cell(EpochHealth? health) => health switch
    {
        null => "",
        { Findings.Length: 0 } => "ok",
        _ => string.Join(",", health.Findings.Select(f => f.Problem switch
        {
            HealthProblem.DeadUnits => "dead",
            HealthProblem.ConstantOutputs => "const",
            HealthProblem.SaturatedOutputs => "sat",
            _ => "flat",
        }).Distinct()),
    };

    /// <summary>The warning line of an epoch with findings.</summary>
    public static string Warning(EpochRecord record) =>
        $"warning: the network is not learning (epoch {record.Epoch + 1}): " +
        string.Join("; ", record.Health!.Findings.Select(f => f.Message));
}
