using System.Diagnostics;
using SetGpu.Training;

namespace SetGpu.Distributed;

/// <summary>
/// One rank's side of a data-parallel run, for the run loop (<see cref="SetRun"/>): which samples it trains on, when the
/// ranks average, and the checks that they still hold one network.
/// <para>
/// The ranks average each step's parameters rather than its gradients: for SGD (momentum, Nesterov and weight decay
/// included) a step is linear in the gradient, so averaging the updated weights and momenta of ranks that started from
/// the same values gives exactly the step on the averaged gradient. Sync mode therefore needs SGD; local SGD averages
/// Adam's moments too. Only values travel: the topology is the same on every rank, so no index does.
/// </para>
/// </summary>
internal sealed class DistributedEpochs : IDisposable
{
    readonly DistributedTraining _options;
    readonly ICommunicator _comm;
    readonly ISetEngine _engine;
    readonly IParameterExchange _exchange;
    readonly SetSpec _spec;
    readonly int _samples;
    readonly bool _withState;
    readonly int[]? _shard;
    readonly CollectiveWatchdog _watchdog;
    float[] _buffer = [];
    float[]? _previous; // the values after the last averaging, the same on every rank
    int _averagings;
    long _payloadBytes;
    double _seconds;

    public DistributedEpochs(DistributedTraining options, ITrainableModel model, int samples)
    {
        _options = options;
        _comm = options.Communicator;
        _engine = model.Engine;
        _spec = model.Spec;
        _samples = samples;
        if (_spec is not SetMlpSpec mlp)
            throw new NotSupportedException("--distributed: only the SET-MLP trains distributed (the SET-RBM does not)");
        _exchange = _engine as IParameterExchange ?? throw new NotSupportedException(
            $"--distributed: the {_engine.Name} engine cannot exchange its parameters");
        if (options.Mode == DistributedMode.Sync && mlp.Optimizer is not Sgd)
            throw new ArgumentException("--distributed sync averages each step's update, which equals averaging the gradients only for SGD; " +
                                        "use --optimizer sgd, or --distributed local-sgd");
        if (options.AverageEvery < 0) throw new ArgumentException($"--average-every must be 0 (once per epoch) or more steps, got {options.AverageEvery}");
        if (options.CollectiveTimeout <= TimeSpan.Zero) throw new ArgumentException($"the collective timeout must be positive, got {options.CollectiveTimeout}");
        // Plain SGD's velocity is rebuilt from the gradient alone every step; any other rule carries state between steps.
        _withState = mlp.Optimizer is not Sgd { Momentum: 0 };
        DataShards.CheckNotEmpty(options.Mode, samples, _spec.BatchSize, _comm.Size);
        if (options.Mode == DistributedMode.LocalSgd) _shard = DataShards.Shard(samples, _spec.Seed, _comm.Rank, _comm.Size);
        _watchdog = new CollectiveWatchdog(options.CollectiveTimeout, _comm.Rank);
    }

    /// <summary>Whether this rank writes checkpoints.</summary>
    public bool IsRoot => _options.IsRoot;

    /// <summary>Global batches of an epoch (the step keys advance by this many per epoch on every rank).</summary>
    public int BatchesPerEpoch => _options.Mode == DistributedMode.Sync
        ? (_samples + _spec.BatchSize * _comm.Size - 1) / (_spec.BatchSize * _comm.Size)
        : DataShards.LocalSgdBatches(_samples, _spec.BatchSize, _comm.Size);

    /// <summary>
    /// Trains this rank's part of epoch <paramref name="epoch"/> with the averagings of the mode; returns the position
    /// at its end with the training loss summed over every rank's samples.
    /// </summary>
    public EpochPosition TrainEpoch(int epoch, StepSize step, Action<int>? batchDone)
    {
        int batches = BatchesPerEpoch;
        long firstStep = (long)epoch * batches;
        TakeStartingValues();
        EpochPosition local;
        if (_options.Mode == DistributedMode.Sync)
        {
            var global = SampleOrder.Shuffled(_samples, _spec.Seed, epoch);
            var (order, counts) = DataShards.SyncSlices(global, _spec.BatchSize, _comm.Rank, _comm.Size);
            double Share(int k) => counts[k] / (double)DataShards.GlobalCount(_samples, _spec.BatchSize, _comm.Size, k);
            local = _engine.TrainBatches(order, default, firstStep, step, CancellationToken.None, b =>
            {
                Average(Share(b - 1), epoch, b);
                batchDone?.Invoke(b);
            });
            // A rank without samples in the last global batch still takes part in its averaging, with weight 0.
            for (int k = local.Batch; k < batches; k++)
            {
                Average(0, epoch, k + 1);
                batchDone?.Invoke(k + 1);
            }
        }
        else
        {
            var order = DataShards.ShardOrder(_shard!, _spec.Seed, epoch);
            int every = _options.AverageEvery, share = _comm.Size;
            local = _engine.TrainBatches(order, default, firstStep, step, CancellationToken.None, b =>
            {
                if (every > 0 && b % every == 0 && b < batches) Average(1.0 / share, epoch, b);
                batchDone?.Invoke(b);
            });
            // A smaller shard has fewer batches: it joins the averagings of the larger ones with its values as they are.
            for (int b = local.Batch + 1; b < batches; b++)
                if (every > 0 && b % every == 0) Average(1.0 / share, epoch, b);
            Average(1.0 / share, epoch, batches);
        }
        var loss = new[] { local.LossSum };
        Collective($"the loss sum of epoch {epoch + 1}", () => _comm.AllreduceSum(loss));
        return new EpochPosition(batches, loss[0]);
    }

    /// <summary>
    /// Replaces this rank's values by the values of the last averaging plus the ranks' sum of each rank's change since
    /// then × its <paramref name="weight"/>. Averaging changes rather than values keeps the rounding relative to the
    /// step, as an allreduce of gradients would, instead of relative to the weights.
    /// </summary>
    void Average(double weight, int epoch, int batch)
    {
        if (_previous is null || _previous.Length != _exchange.ParameterValues(_withState))
            throw new InvalidOperationException("the values at the start of the epoch were not taken");
        _exchange.ReadParameters(_buffer, _withState);
        float w = (float)weight;
        for (int i = 0; i < _buffer.Length; i++) _buffer[i] = (_buffer[i] - _previous[i]) * w;
        var clock = Stopwatch.StartNew();
        Collective($"the averaging after batch {batch} of epoch {epoch + 1}", () => _comm.AllreduceSum(_buffer));
        _seconds += clock.Elapsed.TotalSeconds;
        _payloadBytes += (long)_buffer.Length * sizeof(float);
        _averagings++;
        for (int i = 0; i < _buffer.Length; i++) _previous[i] += _buffer[i];
        _exchange.WriteParameters(_previous, _withState);
    }

    /// <summary>Takes the values every rank holds at the start of an epoch (evolution changes their number).</summary>
    void TakeStartingValues()
    {
        long count = _exchange.ParameterValues(_withState);
        if (count > Array.MaxLength) throw new NotSupportedException($"--distributed: {count} parameter values exceed one array; a network this large is not supported");
        if (_buffer.Length != count) _buffer = new float[count];
        if (_previous?.Length != count) _previous = new float[count];
        _exchange.ReadParameters(_previous, _withState);
    }

    /// <summary>
    /// Fails on every rank, naming the ranks, when a rank's topology (or the epochs it has done) differs from rank 0's:
    /// after every evolution, and once before training.
    /// </summary>
    public void CheckSameNetwork(string when, int epochsDone)
    {
        ulong mine = _exchange.TopologyHash() ^ (ulong)epochsDone * 0x9E3779B97F4A7C15UL;
        var root = new[] { (long)mine };
        Collective($"the topology check {when}", () => _comm.Broadcast(root, 0));
        var differs = new double[_comm.Size];
        differs[_comm.Rank] = (ulong)root[0] == mine ? 0 : 1;
        Collective($"the topology check {when}", () => _comm.AllreduceSum(differs));
        var ranks = Enumerable.Range(0, _comm.Size).Where(r => differs[r] != 0).ToArray();
        if (ranks.Length > 0)
            throw new DistributedMismatchException($"--distributed: the network of rank{(ranks.Length > 1 ? "s" : "")} {string.Join(", ", ranks)} " +
                                                   $"differs from rank 0's {when} (topology hash or epochs done); the ranks no longer train one network");
    }

    /// <summary>
    /// Waits until every rank, rank 0 with its checkpoint included, has finished epoch <paramref name="epoch"/>; returns
    /// whether any rank was asked to stop (<paramref name="stop"/>), so that all stop after the same epoch.
    /// </summary>
    public bool WaitForRoot(int epoch, bool stop)
    {
        var flags = new[] { stop ? 1.0 : 0.0 };
        Collective($"the end of epoch {epoch + 1} (rank 0 saving)", () => _comm.AllreduceSum(flags));
        return flags[0] > 0;
    }

    /// <summary>This epoch's communication so far; starts the next epoch's count.</summary>
    public EpochCommunication TakeEpochCommunication()
    {
        var result = new EpochCommunication(_comm.Size, DistributedTraining.Name(_options.Mode), _averagings, _payloadBytes, _seconds);
        (_averagings, _payloadBytes, _seconds) = (0, 0, 0);
        return result;
    }

    void Collective(string what, Action collective) => _watchdog.Run(what, () =>
    {
        try { collective(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new RankFailedException($"rank {_comm.Rank}: {what} failed: another rank ended or cannot be reached ({e.Message.Trim()})");
        }
    });

    public void Dispose() => _watchdog.Dispose();
}

/// <summary>A collective failed: a rank of the job ended or cannot be reached.</summary>
public sealed class RankFailedException(string message) : Exception(message);

/// <summary>The ranks of a distributed run no longer hold the same network.</summary>
public sealed class DistributedMismatchException(string message) : Exception(message);
