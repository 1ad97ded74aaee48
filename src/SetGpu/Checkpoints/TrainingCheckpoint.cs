using System.Text.Json;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Checkpoints;

/// <summary>
/// The whole state of a training run after some epochs: the network (topology, weights, biases and their momentum),
/// the configuration and seed, the records of the epochs done, the identity of the data and the standardisation
/// fitted on them. Every random stream is keyed by the seed and the epoch, so this is everything a resumed run needs
/// to continue exactly as the uninterrupted run would have. Saved in SetGpu's versioned, checksummed binary format
/// (<see cref="CheckpointFile"/>), atomically.
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>The network after <see cref="EpochsCompleted"/> epochs (and that epoch's evolution).</summary>
    public required SparseNetwork Network { get; init; }
    /// <summary>The run so far: configuration (<see cref="TrainingReport.Model"/>, <see cref="TrainingReport.Training"/>) and one record per epoch done.</summary>
    public required TrainingReport Report { get; init; }
    /// <summary>Which data the run trains on.</summary>
    public required DataIdentity Data { get; init; }
    /// <summary>The standardisation fitted on the training split, to apply to new data before predicting; null when none.</summary>
    public Standardizer? Scaling { get; init; }

    /// <summary>Epochs trained.</summary>
    public int EpochsCompleted => Report.Epochs.Count;
    /// <summary>Whether the run has trained all its epochs.</summary>
    public bool IsComplete => EpochsCompleted >= Report.Training.Epochs;

    /// <summary>
    /// The state of <paramref name="engine"/> with the run's <paramref name="report"/> (copied: the run goes on appending
    /// to it). Throws when the engine's network and the report's configuration disagree.
    /// </summary>
    public static TrainingCheckpoint Capture(ISetEngine engine, TrainingReport report, DataIdentity data, Standardizer? scaling = null)
    {
        var network = engine.Export();
        if (network.Seed != report.Training.Seed)
            throw new ArgumentException($"checkpoint: the network's seed {network.Seed} is not the run's {report.Training.Seed}");
        if (!network.Options.LayerSizes.SequenceEqual(report.Model.LayerSizes))
            throw new ArgumentException($"checkpoint: the network's layers {string.Join("-", network.Options.LayerSizes)} are not the run's {string.Join("-", report.Model.LayerSizes)}");
        return new TrainingCheckpoint
        {
            Network = network,
            Report = report with { Epochs = [.. report.Epochs] },
            Data = data,
            Scaling = scaling,
        };
    }

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically: a temporary file in the same folder, flushed to the
    /// disk, then renamed over <paramref name="path"/>; an interrupted save leaves the previous file as it was.
    /// Returns the file's size in bytes.
    /// </summary>
    public long Save(string path) => CheckpointFile.WriteAtomically(path, stream => CheckpointPayload.Write(stream, this));

    /// <summary>
    /// Reads a checkpoint, checking magic, format version, lengths, the SHA-256 of the payload, the configuration and the
    /// CSR invariants of every layer (offsets monotone, columns sorted, unique and in range) before returning anything.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is missing, truncated, corrupted, of another format or of a
    /// newer format version; the message names the file and the problem.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        var (file, length, _) = CheckpointFile.OpenVerified(path);
        using (file)
        {
            try { return CheckpointPayload.Read(file, length, path); }
            catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentException)
            {
                throw new CheckpointFormatException(path, $"unreadable payload: {e.Message}", e);
            }
        }
    }
}
