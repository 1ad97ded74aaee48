namespace SetGpu.Cli;

/// <summary>The command-line option behind each specification field, so that an invalid value is reported by its option.</summary>
internal static class OptionNames
{
    static readonly Dictionary<string, string> OfField = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Epsilon"] = "--epsilon", ["Zeta"] = "--zeta", ["Topology"] = "--topology", ["EvolutionInterval"] = "--evolution-interval",
        ["PruneAfterLastEpoch"] = "--prune-last-epoch", ["Optimizer"] = "--optimizer", ["Optimizer.LearningRate"] = "--lr",
        ["Optimizer.WeightDecay"] = "--weight-decay", ["Optimizer.Momentum"] = "--momentum", ["Optimizer.Nesterov"] = "--nesterov",
        ["Optimizer.Kind"] = "--optimizer", ["Optimizer.Beta1"] = "--beta1", ["Optimizer.Beta2"] = "--beta2",
        ["Optimizer.Epsilon"] = "--adam-epsilon",
        ["Epochs"] = "--epochs", ["BatchSize"] = "--batch", ["Schedule"] = "--lr-schedule", ["Patience"] = "--patience",
        ["Seed"] = "--seed", ["EvaluationBatchSize"] = "--evaluation-batch",
        ["LayerSizes"] = "--hidden", ["HiddenActivation"] = "--activation", ["LeakySlope"] = "--activation",
        ["AllReluSlope"] = "--activation", ["OutputActivation"] = "--output", ["Loss"] = "--loss",
        ["EvolveOutputLayer"] = "--no-output-evolution", ["WeightInit"] = "--init", ["Dropout"] = "--dropout", ["InputNoise"] = "--noise", ["Target"] = "the command (train or autoencoder)",
        ["Visible"] = "--dataset", ["Hidden"] = "--hidden", ["VisibleUnits"] = "--gaussian-visible", ["InitScale"] = "--init-scale",
        ["CdSteps"] = "--cd", ["Persistent"] = "--persistent", ["SampleVisible"] = "--sample-visible", ["Ais"] = "--ais",
        ["Ais.Runs"] = "--ais-runs", ["Ais.Betas"] = "--ais-betas", ["AisInterval"] = "--ais-every",
    };

    /// <summary>The option of a field (a C# property name or a JSON path such as <c>optimizer.learningRate</c>).</summary>
    public static string Of(string field) => OfField.GetValueOrDefault(field, field);
}
