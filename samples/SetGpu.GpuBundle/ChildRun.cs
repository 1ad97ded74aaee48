using System.Diagnostics;

namespace SetGpu.GpuBundle;

/// <summary>How a child process of the run ended.</summary>
/// <param name="ExitCode">Its exit code; null when it was stopped.</param>
/// <param name="TimedOut">Whether it ran past its time and was stopped, with its children.</param>
/// <param name="Seconds">Its wall-clock time.</param>
/// <param name="Tail">Its last lines of output.</param>
internal sealed record ChildOutcome(int? ExitCode, bool TimedOut, double Seconds, string Tail)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Why it did not succeed, in a line.</summary>
    public string Why => TimedOut ? $"stopped after {Seconds:F0} s (its budget)"
        : $"exit code {ExitCode}: {Tail.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "no output"}";
}

/// <summary>
/// Runs a command of this program in a child process: a crash, a hung device or a section over its budget ends that
/// child, not the run. Its output goes on to this process's output, indented, as it comes.
/// </summary>
internal static class ChildRun
{
    public static ChildOutcome Run(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // Started as `dotnet SetGpu.GpuBundle.dll …` (a development build), this process is the dotnet host.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(ChildRun).Assembly.Location);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var tail = new Queue<string>();
        var clock = Stopwatch.StartNew();
        using var child = new Process { StartInfo = start };
        void Relay(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                Console.WriteLine("    " + line);
                tail.Enqueue(line);
                if (tail.Count > 40) tail.Dequeue();
            }
        }
        child.OutputDataReceived += (_, e) => Relay(e.Data);
        child.ErrorDataReceived += (_, e) => Relay(e.Data);
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        bool finished = child.WaitForExit(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(1));
        if (!finished)
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        else child.WaitForExit(); // drains the output
        lock (tail) return new ChildOutcome(finished ? child.ExitCode : null, !finished, clock.Elapsed.TotalSeconds, string.Join('\n', tail));
    }
}
