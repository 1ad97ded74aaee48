using System.Reflection;
using SetGpu.GpuBundle;
using SetGpu.GpuBundle.Testing;

// The GPU bundle's program (.ci/gpu-bundle publishes it self-contained; the bundle's `run` script starts it):
//   report [--quick] [--engine-fallback ilgpu-cpu] --out DIR --data DIR [--bundle TEXT]   the whole run: every section
//                                                   in child processes of this program; report.json and report.md in DIR
//   test --filter 'Backend=cuda' --result FILE      the test assembly's tests that match (dotnet test's filter syntax)
//   bandwidth --engine cuda --result FILE           device-to-device copy bandwidth through ILGPU
//   kernels-at --engine cuda --neurons 30000,300000 --result FILE   every kernel family called directly, at each width
//   inventory --result FILE                         the devices ILGPU finds; each CUDA device's facts
//   sections                                        the report's sections, id and title (for the run script's own report)
//   predictions                                     the bandwidth model's H200 time for every row of the full run (docs/gpu.md)
//   cli ARGS                                        the command line (samples/SetGpu.Cli): train, rbm, predict, export
//   run-assembly NAME ARGS                          a program of the bundle by assembly name: how tests start children
//                                                   here, where there is no dotnet host (kernels-tests' ChildProcess)
//   ANYTHING ELSE                                   samples/SetGpu.Bench (scaling, row, epochs, compare, kernels, probe)
// The bundle's own commands take --name value options; the others are passed on as they are.
var options = new Lazy<BundleOptions>(() => BundleOptions.Parse(args.Skip(1)));
switch (args.FirstOrDefault())
{
    case "report":
        return BundleRun.Run(options.Value);
    case "test":
    {
        Environment.SetEnvironmentVariable("SETGPU_TEST_HOST", Environment.ProcessPath);
        var summary = XunitRunner.Run(typeof(SetGpu.KernelsTests.Support.Backends).Assembly, TestFilter.Parse(options.Value.Required("filter")),
                                      options.Value.String("settings", ""), options.Value.Required("result"));
        return summary.Failed == 0 && summary.Errors.Count == 0 ? 0 : 1;
    }
    case "bandwidth":
        CopyBandwidth.Measure(options.Value.Required("engine"), options.Value.Required("result"));
        return 0;
    case "kernels-at":
        KernelRows.Run(options.Value.Required("engine"), options.Value.Ints("neurons"), options.Value.Required("result"));
        return 0;
    case "predictions":
        PredictionTables.Print(EpochPrediction.H200Bandwidth);
        return 0;
    case "sections":
        foreach (var section in RunBudget.Plan(quick: false)) Console.WriteLine($"{section.Id}\t{section.Title}");
        return 0;
    case "inventory":
        Inventory.Run(options.Value.Required("result"));
        return 0;
    case "cli":
        return Invoke(Assembly.Load("SetGpu.Cli"), args[1..]);
    case "run-assembly" when args.Length >= 2:
        return args[1] == typeof(SetGpu.KernelsTests.Support.HelperProgram).Assembly.GetName().Name
            ? SetGpu.KernelsTests.Support.HelperProgram.Main(args[2..])
            : Invoke(Assembly.Load(args[1]), args[2..]);
    case "micro" or "plot":
        Console.Error.WriteLine($"'{args[0]}' is left out of the GPU bundle (BenchmarkDotNet's toolchain and Skia are not in it)");
        return 2;
    default:
        return Invoke(typeof(SetGpu.Bench.BandwidthModel).Assembly, args);
}

/// <summary>Runs another program of the bundle in this process, through its entry point.</summary>
static int Invoke(Assembly program, string[] arguments)
{
    try
    {
        return program.EntryPoint!.Invoke(null, [arguments]) switch { int code => code, Task<int> task => task.GetAwaiter().GetResult(), _ => 0 };
    }
    catch (TargetInvocationException e) when (e.InnerException is not null)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        throw;
    }
}
