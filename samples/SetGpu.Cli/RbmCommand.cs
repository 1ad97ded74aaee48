using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// <c>rbm</c>: a SET restricted Boltzmann machine trained with contrastive divergence: a table per epoch, an optional
/// JSON report, checkpoints and resume, as <c>train</c>.
/// </summary>
internal static class RbmCommand
{
    /// <param name="helpGroups">Where the command's option groups for <c>--help</c> are added.</param>
    public static Command Create(IDictionary<Command, IReadOnlyList<OptionGroup>> helpGroups)
    {
        var kind = new RbmRun(new RbmCommandOptions());
        var command = new Command("rbm", "Train a SET restricted Boltzmann machine with contrastive divergence");
        foreach (var option in kind.All.All) command.Options.Add(option);
        command.SetAction(result => CliErrors.Run(() => ModelRun.Execute(kind, result)));
        helpGroups[command] = kind.All.HelpGroups;
        return command;
    }

    sealed class RbmRun(RbmCommandOptions o) : RunKind
    {
        public RbmCommandOptions All => o;
        public override RunCommandOptions Options => o.Run;
        public override Type SpecType => typeof(SetRbmSpec);
        public override SetSpec Spec(ParseResult result, SetSpec? resumed) => o.Spec(result, (SetRbmSpec?)resumed);

        /// <summary>auto: none for Bernoulli units, which read [0, 1] data as probabilities; per-feature for Gaussian units.</summary>
        public override string Standardization(string given, SetSpec spec) =>
            given != "auto" ? given : ((SetRbmSpec)spec).VisibleUnits == VisibleUnitKind.Gaussian ? "per-feature" : "none";

        public override SetSpec WithData(SetSpec spec, TrainingData data)
        {
            var rbm = (SetRbmSpec)spec;
            if (rbm.VisibleUnits == VisibleUnitKind.Bernoulli)
                foreach (var set in new[] { data.Train, data.Validation, data.Test })
                {
                    if (set is null) continue;
                    float min = set.Features.Min(), max = set.Features.Max();
                    if (min < 0 || max > 1)
                        throw new ArgumentException($"{set.Name}: values run from {min} to {max}, but Bernoulli visible units need data in [0, 1]; " +
                                                    "rescale it, or use --gaussian-visible --standardize per-feature");
                }
            return rbm with { Visible = data.Train.FeatureCount };
        }

        public override SetModel Create(SetSpec spec, Device device) => SetRbm.Create((SetRbmSpec)spec, device);
        public override SetModel Load(TrainingCheckpoint checkpoint, Device device) => SetRbm.Load(checkpoint, device);
        public override string Summary(SetModel model) => ((SetRbm)model).Export().Summary();

        public override EpochTable Table(TrainingReport report, TrainingData data, string? reportPath)
        {
            var middle = new List<EpochTable.Column> { new("train rec", 10, r => $"{r.TrainLoss:F5}") };
            if (data.Validation is not null) middle.Add(new("val rec", 10, r => $"{r.Validation?.Loss:F5}"));
            if (data.Test is not null) middle.Add(new("test rec", 10, r => $"{r.Test?.Loss:F5}"));
            if (data.HeldOut is not null) middle.Add(new("F gap", 9, r => $"{r.FreeEnergyGap:F3}"));
            middle.Add(new("eval s", 7, r => $"{r.EvaluationSeconds:F4}"));
            return new EpochTable(EpochTable.Around(middle, 9), report, reportPath) { Notes = Likelihood };
        }

        static IEnumerable<string> Likelihood(EpochRecord r)
        {
            if ((r.Test ?? r.Validation)?.LogLikelihood is not { } ll) yield break;
            yield return $"log-likelihood {ll.MeanLogProbability:F3} ± {ll.StdErr:F3} nats per sample with " +
                         (ll.ExactLogZ is { } exact ? $"the exact log Z = {exact:F3}; AIS gave log Z = " : "log Z = ") +
                         $"{ll.LogZ.LogZ:F3} ± {ll.LogZ.StdErr:F3} ({ll.LogZ.Runs} runs, {ll.LogZ.Betas} betas, {ll.LogZ.EffectiveRuns:F0} effective, {ll.Seconds:F1} s)";
        }

        public override string Result(TrainingReport report)
        {
            var last = report.Epochs[^1];
            if (last.Test is not { } test) return $"final training reconstruction error {last.TrainLoss:F5}";
            return $"final test reconstruction error {test.Loss:F5} (lowest {report.Epochs.Min(e => e.Test!.Loss):F5}, reported only)";
        }
    }
}
