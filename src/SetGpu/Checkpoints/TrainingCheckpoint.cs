using System.Text.Json;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Rbm;
using SetGpu.Training;

namespace SetGpu.Checkpoints;

/// <summary>
/// The whole state of a model and its run: the network (topology, weights, biases and their optimiser state; for the
/// RBM also the persistent chains), the specification and the record of every epoch (in <see cref="Report"/>), the
/// epoch in progress, and optionally the identity of the data and the standardisation fitted on them. Every random
/// stream is keyed by the seed, the epoch and the step, so this is everything a resumed run needs to continue exactly as
/// the uninterrupted run would have. Saved in SetGpu's versioned, checksummed binary format
/// (<see cref="CheckpointFile"/>), atomically. A saved model (<c>SetMlp.Save</c>) is the same file without the data.
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>The specification and the run so far: one record per epoch done.</summary>
    public required TrainingReport Report { get; init; }
    /// <summary>The SET-MLP's network, for an MLP (else null).</summary>
    public SparseNetwork? Network { get; init; }
    /// <summary>The SET-RBM, for an RBM (else null).</summary>
    public SparseRbm? Rbm { get; init; }
    /// <summary>The epoch in progress, when the run was saved between two of its batches.</summary>
    public RunState InProgress { get; init; } = new();
    /// <summary>Which data the run trains on; null for a model saved without them.</summary>
    public DataIdentity? Data { get; init; }
    /// <summary>The standardisation fitted on the training split, to apply to new data before predicting; null when none.</summary>
    public Standardizer? Scaling { get; init; }

    /// <summary>The specification.</summary>
    public SetSpec Spec => Report.Spec;
    /// <summary>Epochs trained.</summary>
    public int EpochsCompleted => Report.Epochs.Count;
    /// <summary>Whether the run has trained every epoch it will.</summary>
    public bool IsComplete => Report.IsComplete;

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically: a temporary file in the same folder, flushed to the
    /// disk, then renamed over <paramref name="path"/>; an interrupted save leaves the previous file as it was.
    /// Returns the file's size in bytes.
    /// </summary>
    public long Save(string path)
    {
        if ((Network is null) == (Rbm is null)) throw new InvalidOperationException("a checkpoint holds exactly one model: a network or an RBM");
        return CheckpointFile.WriteAtomically(path, stream => CheckpointPayload.Write(stream, this));
    }

    /// <summary>
    /// Reads a checkpoint, checking magic, format version, lengths, the SHA-256 of the payload, the specification and the
    /// CSR invariants of every layer (offsets monotone, columns sorted, unique and in range) before returning anything.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is missing, truncated, corrupted, of another format or of
    /// another format version; the message names the file and the problem.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        var (file, length, version) = CheckpointFile.OpenVerified(path);
        using (file)
        {
            if (version != CheckpointFile.CurrentVersion)
                throw new CheckpointFormatException(path,
                    $"format version {version}, written by an earlier SetGpu; this build reads version {CheckpointFile.CurrentVersion}. " +
                    "Train again, or predict and export with the SetGpu that wrote it");
            return ReadPayload(file, length, path);
        }
    }

    /// <summary>
    /// Parses a payload whose container has been verified (or, for the fuzzer, any bytes): every problem is a
    /// <see cref="CheckpointFormatException"/> naming <paramref name="path"/>.
    /// </summary>
    internal static TrainingCheckpoint ReadPayload(Stream payload, long length, string path)
    {
        try { return CheckpointPayload.Read(payload, length, path); }
        catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentException or InvalidDataException)
        {
            throw new CheckpointFormatException(path, $"unreadable payload: {e.Message}", e);
        }
    }
}
