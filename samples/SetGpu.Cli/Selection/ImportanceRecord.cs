using SetGpu.Training;

namespace SetGpu.Cli.Selection;

/// <summary>The importance of every input at one moment of a selection run, after <see cref="Epoch"/> epochs.</summary>
internal sealed record ImportanceSnapshot(int Epoch, [property: System.Text.Json.Serialization.JsonConverter(typeof(CompactFloatArrayConverter))] float[] Importance);

/// <summary>
/// <c>select --record-importance</c>: the importance of every input after every epoch, as the method computes it, kept
/// for the report and drawn by <c>plot</c> as frames. A method feeds it through <see cref="Around"/> (its importance
/// read after each epoch's evolution) or <see cref="Add"/> (a map it has only at the end).
/// </summary>
internal sealed class ImportanceRecord
{
    readonly List<ImportanceSnapshot> _snapshots = [];

    /// <summary>The snapshots taken so far, in order.</summary>
    public ImportanceSnapshot[] Snapshots => [.. _snapshots];

    /// <summary>Keeps a copy of <paramref name="importance"/> as it is after <paramref name="epoch"/> epochs.</summary>
    public void Add(int epoch, float[] importance) => _snapshots.Add(new(epoch, (float[])importance.Clone()));

    /// <summary>
    /// <paramref name="progress"/>, with <paramref name="importance"/> read and recorded after every epoch when
    /// <paramref name="record"/> is not null (the run reports an epoch after its evolution, so the snapshot is of the
    /// topology the next epoch starts from).
    /// </summary>
    public static IProgress<EpochRecord> Around(IProgress<EpochRecord> progress, ImportanceRecord? record, Func<float[]> importance) =>
        record is null ? progress : new Recording(progress, record, importance);

    sealed class Recording(IProgress<EpochRecord> inner, ImportanceRecord record, Func<float[]> importance) : IProgress<EpochRecord>
    {
        public void Report(EpochRecord value)
        {
            inner.Report(value);
            record.Add(value.Epoch + 1, importance());
        }
    }
}
