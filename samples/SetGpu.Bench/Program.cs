using SetGpu.Bench;
using SetGpu.Bench.Kernels;
using SetGpu.Bench.Peers;

// Benchmarks of SetGpu (see the README's "Scale and speed"):
//   scaling      [--neurons 3000,30000,100000,300000,600000] [--engines cpu,ilgpu-cpu,opencl,cuda] [--epochs 3]
//                [--ilgpu-limit 30000] [--out bench-results] [--allow-untrained] [--max-memory 21G]   the scaling table of
//                issue 6 (one child process a row) on lung-reference-style data, with each row's test accuracy and memory
//                (estimated before the network exists, measured per phase); a row whose network stayed at the majority
//                class is refused unless --allow-untrained; a CPU row whose estimate passes the memory available (or
//                --max-memory) is refused before it allocates
//   peers        [--neurons 1000,3000,10000,30000] [--epochs 3] [--mnist-epochs 1] [--peers setgpu,masked,sparse,dense]
//                [--threads N] [--time-limit 600] [--format csr|coo] [--data-dir ../shared/data] [--python /usr/bin/python3]
//                [--out bench-results] [--reuse]   SetGpu against SET in PyTorch (dense weights times a mask; torch.sparse) and a dense
//                PyTorch MLP, each in its own process, on lung-style 3312-H-H-H-5 (batch 2) and MNIST 784-1000-1000-1000-10
//                (batch 128; --mnist-epochs 0 leaves it out): peers.md and peers.json; --reuse reads the results already in --out
//   batch-sweep  [--neurons 30000] [--batches 2,32,128,512] [--data-scale 10] ...      time per epoch against batch size
//   row          --engine E --neurons N --batch B --epochs K --data-scale S --result FILE   one row (used by the two above)
//   epochs       LAYERS SAMPLES BATCH [EPOCHS [ENGINE]]           e.g. 784,1000,1000,1000,10 6000 128 2 opencl: epoch
//                times of any shape on random data
//   compare      [--layers 784,1000,1000,1000,10] [--batch 128] [--samples 6000] [--epochs 4] [--rounds 3]
//                [--engines cpu,ilgpu-cpu,opencl]   engines in turn, medians and the ratio to the CPU engine
//   kernels      [--neurons 2000] [--epsilon 20] [--batch 32] [--zeta 0.3] [--reps 10] [--backends cpu,ilgpu-cpu,opencl,cuda]
//                [--families spmm-forward,prune,...]   every kernel family called directly: its CPU twin and its launch on
//                each ILGPU backend found, against the bandwidth model (small defaults: all of them in seconds)
//   probe        BACKEND NEURONS BATCH [REPS]                      the same on one backend, e.g. probe opencl 1000 128 30
//   distributed  [--lung-neurons 30000] [--mnist-hidden 1000] [--ranks 2] [--epochs 3] [--data-dir ../shared/data]
//                [--cli PATH] [--out bench-results/distributed]   MPI data parallel (sync, local-sgd) against 1 process, one
//                thread each: epoch-time ratio, test accuracy, bytes per averaging and per epoch, time in collectives
//                (docs/distributed.md; needs mpich; 0 leaves a case out)
//   data-load    FILE                                            load a CSV/NPZ/NPY file as --dataset does: rows/s and peak memory
//   data-csv     FILE ROWS COLUMNS                               write a random CSV for data-load (docs/bench/data-loading.md)
//   nnstd-speed  [--neurons 1000,5000] [--moved 0,0.1,0.3,1] [--epsilon 20] [--candidates 64] [--exact-limit 10000]
//                the topology distance
//                (NNSTD) exact and approximate on SET-MLPs n-n-n-n and rewired copies: times and the approximation's error
//   nnstd-study  [--data-dir ../shared/data] [--hidden 1000,1000,1000] [--epochs 15] [--seeds 1,2,3] [--out bench-results]
//                SET runs on COIL20 from different seeds: accuracy per run, NNSTD per epoch for every pair (JSON, PNG)
//   classifiers  [--datasets coil20,isolet,madelon,basehock] [--k 100] [--draws 3] [--seed 42] [--data-dir ../shared/data]
//                [--classifiers svm,logistic] [--svm-max-train 0] [--subset 28,48,…] [--no-all]   select's classifiers on all features,
//                on K random features and on the --subset given (select's split and scaling): test accuracy and seconds
//   select-table [FILE.tsv]                                       the feature-selection table (mean ± sd over seeds, published
//                SET-QS figures beside) from the lines `setgpu select --table` appended; samples/select-table.sh runs them all
//   wast-batch   [--datasets coil20,basehock] [--hidden 1000] [--epochs 10] [--every 1] [--device cpu] [--data-dir ../shared/data] [--cli PATH]
//                [--out bench-results/wast-batch]   WAST's per-batch importance and evolution against the batch's training
//                (ms per batch and per step, ratio) on a SET-DAE, beside the selected features' accuracy (runs `setgpu select --method wast`;
//                --every 1,2,4,8 evolves after every N batches; --cli another build's SetGpu.Cli.dll for an A/B)
//   micro        [BenchmarkDotNet options, e.g. --filter *spmm*]   BenchmarkDotNet: each kernel family per backend with the
//                bandwidth model (SETGPU_MICRO_NEURONS sets the layer width, default 30000; SETGPU_MICRO_BACKENDS and
//                SETGPU_MICRO_FAMILIES pick some)
var options = Options.Parse(args.Skip(1));
if (options.String("max-memory", "") is { Length: > 0 } maxMemory)
    ScalingRow.MaxMemory = SetGpu.MemoryCheck.ParseBytes(maxMemory) ?? throw new ArgumentException($"--max-memory: '{maxMemory}' is not a byte count");
switch (args.FirstOrDefault())
{
    case "scaling":
        ScalingTable.Run(options.Ints("neurons", [3_000, 30_000, 100_000, 300_000, 600_000]), [options.Int("batch", 2)],
                         options.Strings("engines", ["cpu", "ilgpu-cpu", "opencl", "cuda"]), options.Int("epochs", 3),
                         options.Int("data-scale", 1), options.Int("ilgpu-limit", 30_000), options.String("out", "bench-results"), "scaling",
                         options.Flag("allow-untrained"));
        break;
    case "batch-sweep":
        ScalingTable.Run([options.Int("neurons", 30_000)], options.Ints("batches", [2, 32, 128, 512]),
                         options.Strings("engines", ["cpu"]), options.Int("epochs", 3), options.Int("data-scale", 10),
                         options.Int("ilgpu-limit", 30_000), options.String("out", "bench-results"), "batch-sweep",
                         options.Flag("allow-untrained"));
        break;
    case "peers":
        PeersTable.Run(options.Ints("neurons", [1_000, 3_000, 10_000, 30_000]), options.Int("epochs", 3), options.Int("mnist-epochs", 1),
                       options.Strings("peers", ["setgpu", "masked", "sparse", "dense"]), options.Int("threads", Environment.ProcessorCount),
                       options.Double("time-limit", 600), options.String("format", "csr"), options.String("data-dir", "../shared/data"),
                       options.String("out", "bench-results"), options.String("python", "/usr/bin/python3"), options.Flag("reuse"));
        break;
    case "peer-setgpu":
        SetGpuPeer.Run(PeerShape.Parse(options.String("shape", "lung:1000"), options.Int("epochs", 1)), options.String("data-dir", "../shared/data"),
                       options.Double("time-limit", 600), options.String("result", "peer-setgpu.json"));
        break;
    case "row":
        ScalingTable.RunRow(options.String("engine", "cpu"), options.Int("neurons", 3_000), options.Int("batch", 2),
                            options.Int("epochs", 3), options.Int("data-scale", 1), options.String("result", "row.json"));
        break;
    case "distributed":
        DistributedBench.Run(options.Int("lung-neurons", 30_000), options.Int("mnist-hidden", 1000), options.Int("ranks", 2),
                             options.Int("epochs", 3), options.String("cli", "") is { Length: > 0 } cli ? cli : DistributedBench.FindCli(),
                             options.String("data-dir", "../shared/data"), options.String("out", "bench-results/distributed"));
        break;
    case "data-load":
        DataLoadBench.Load(args[1]);
        break;
    case "data-csv":
        DataLoadBench.WriteCsv(args[1], int.Parse(args[2]), int.Parse(args[3]));
        break;
    case "nnstd-speed":
        TopologyDistanceBench.Run(options.Ints("neurons", [1_000, 5_000]), options.Strings("moved", ["0", "0.1", "0.3", "1"])
                                  .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                                  options.Double("epsilon", 20), options.Int("candidates", 64),
                                  options.Int("exact-limit", 10_000));
        break;
    case "nnstd-study":
        NnstdStudy.Run(options.String("data-dir", "../shared/data"), options.Ints("hidden", [1_000, 1_000, 1_000]), options.Int("epochs", 15),
                       options.Ints("seeds", [1, 2, 3]).Select(s => (ulong)s).ToArray(), options.String("out", "bench-results"));
        break;
    case "classifiers":
        ClassifierTable.Run(options.Strings("datasets", ["coil20", "isolet", "madelon", "basehock"]), options.Int("k", 100), options.Int("draws", 3),
                            (ulong)options.Int("seed", 42), options.String("data-dir", "../shared/data"), options.Strings("classifiers", ["svm", "logistic"]),
                            options.Int("svm-max-train", 0), options.Ints("subset", []), options.Flag("no-all"));
        break;
    case "select-table":
        SetGpu.Bench.SelectionTable.Run(args.Length > 1 ? args[1] : "bench-results/select.tsv");
        break;
    case "wast-batch":
        WastBatch.Run(options.Strings("datasets", ["coil20", "basehock"]).ToArray(), options.Int("hidden", 1000), options.Int("epochs", 10),
                      options.Ints("every", [1]), options.String("device", "cpu"), options.String("data-dir", "../shared/data"), options.String("cli", "") is { Length: > 0 } wastCli ? wastCli : DistributedBench.FindCli(),
                      options.String("out", "bench-results/wast-batch"));
        break;
    case "micro":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<SetGpu.Bench.Micro.KernelBenchmarks>(args: args.Skip(1).ToArray());
        break;
    case "epochs":
        EpochTimes.Run(args[1].Split(',').Select(int.Parse).ToArray(), int.Parse(args[2]), int.Parse(args[3]),
                       args.Length > 4 ? int.Parse(args[4]) : 3, args.Length > 5 ? args[5] : "cpu");
        break;
    case "compare":
        EngineComparison.Run(options.Ints("layers", [784, 1000, 1000, 1000, 10]), options.Int("samples", 6000),
                             options.Int("batch", 128), options.Int("epochs", 4), options.Int("rounds", 3),
                             options.Strings("engines", ["cpu", "ilgpu-cpu", "opencl"]));
        break;
    case "kernels":
        KernelTable.Run(options.Int("neurons", 2_000), options.Double("epsilon", 20), options.Int("batch", 32), options.Double("zeta", 0.3),
                        options.Int("reps", 10), options.Strings("backends", KernelBackend.Present().ToArray()),
                        options.Strings("families", []));
        break;
    case "probe":
        KernelTable.Run(int.Parse(args[2]), 20, int.Parse(args[3]), 0.3, args.Length > 4 ? int.Parse(args[4]) : 20, [args[1]], []);
        break;
    default:
        Console.Error.WriteLine("usage: SetGpu.Bench scaling|peers|batch-sweep|row|distributed|nnstd-speed|nnstd-study|select-table|wast-batch|micro|epochs|kernels|probe|compare|data-load|data-csv [options]  (see samples/SetGpu.Bench/Program.cs)");
        Environment.Exit(2);
        break;
}

/// <summary>--name value pairs, and --name flags (no value).</summary>
sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        var values = new Dictionary<string, string>();
        for (int i = 0; i < list.Count; i++)
            if (list[i].StartsWith("--", StringComparison.Ordinal))
                values[list[i][2..]] = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : "true";
        return new Options(values);
    }

    public string String(string name, string fallback) => values.GetValueOrDefault(name, fallback);
    /// <summary>Whether the flag <c>--name</c> was given (a name without a value).</summary>
    public bool Flag(string name) => values.TryGetValue(name, out var v) && v == "true";
    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
    public double Double(string name, double fallback) =>
        values.TryGetValue(name, out var v) ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
    public int[] Ints(string name, int[] fallback) => values.TryGetValue(name, out var v) ? v.Split(',').Select(int.Parse).ToArray() : fallback;
    public string[] Strings(string name, string[] fallback) => values.TryGetValue(name, out var v) ? v.Split(',') : fallback;
}
