using System.Diagnostics;

namespace SetGpu.KernelsTests.Support;

/// <summary>Other programs that tests run for real (Python with SciPy, clang).</summary>
internal static class Programs
{
    /// <summary>Runs <paramref name="program"/> to its end; returns its exit code and its output, stdout then stderr.</summary>
    public static (int Code, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return Run(info);
    }

    /// <summary>Runs a prepared start (output redirected) to its end.</summary>
    public static (int Code, string Output) Run(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
