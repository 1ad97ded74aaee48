using SharpFuzz;

namespace SetGpu.Fuzz;

/// <summary>The command line of the fuzz harness (see Program.cs).</summary>
internal static class FuzzProgram
{
    public static int Run(string[] args)
    {
        if (args is ["seeds", var output, ..])
        {
            string data = args.Length > 2 ? args[2] : Path.Combine("..", "shared", "data");
            foreach (var (target, count) in Seeds.Write(output, data)) Console.WriteLine($"{target}: {count} seeds");
            return 0;
        }
        if (args.Length == 0 || !Targets.Names.Contains(args[0]))
        {
            Console.Error.WriteLine($"usage: SetGpu.Fuzz TARGET [FILE|DIR …] | seeds OUT [DATA]; targets: {string.Join(", ", Targets.Names)}");
            return 2;
        }
        string name = args[0];
        // Readers that take a path read the input from a file in memory-backed storage where there is one. Under
        // afl-fuzz the inputs run in child processes that are killed, not ended, so they cannot remove their folders:
        // .ci/fuzz gives them a root (SETGPU_FUZZ_SCRATCH) that it removes after each target.
        string root = Environment.GetEnvironmentVariable("SETGPU_FUZZ_SCRATCH") is { Length: > 0 } given ? given
            : Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string scratch = Path.Combine(root, $"setgpu-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        string path = Path.Combine(scratch, "input");
        try
        {
            if (args.Length == 1)
            {
                // Under afl-fuzz a finding is an unhandled exception, reported as a crash. The inputs run in a child
                // process that afl-fuzz may kill on a timeout without taking the fork server with it.
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    var bytes = new MemoryStream();
                    stream.CopyTo(bytes);
                    Targets.Run(name, bytes.ToArray(), path);
                });
                return 0;
            }
            return Replay(name, args[1..], path);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    static int Replay(string name, string[] inputs, string path)
    {
        int findings = 0;
        var files = inputs.SelectMany(i => Directory.Exists(i) ? Directory.GetFiles(i).Order(StringComparer.Ordinal) : (IEnumerable<string>)[i]);
        foreach (var file in files)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var refusals = Targets.Run(name, File.ReadAllBytes(file), path);
                Console.WriteLine($"{file}: {(refusals.Count == 0 ? "loads" : $"refused ({refusals.Count}): {refusals[0]}")} ({clock.ElapsedMilliseconds} ms)");
            }
            catch (ContractViolation e)
            {
                findings++;
                Console.WriteLine($"{file}: FINDING: {e.Message}{Environment.NewLine}{e.InnerException}");
            }
        }
        return findings == 0 ? 0 : 1;
    }
}
