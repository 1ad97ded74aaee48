using System.Diagnostics;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// How tests start .NET programs of their own as child processes: this assembly's <see cref="HelperProgram"/>, or an
/// assembly beside it (the command line). Under <c>dotnet test</c> that is the dotnet host with the assembly's path.
/// Inside a self-contained program with no host (the GPU bundle), the program names itself in
/// <c>SETGPU_TEST_HOST</c> and runs <c>HOST run-assembly NAME ARGS…</c> itself.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The start of <c>HelperProgram ARGS</c>, output redirected.</summary>
    public static ProcessStartInfo Helper(params string[] args) =>
        Assembly(Path.GetFileNameWithoutExtension(typeof(HelperProgram).Assembly.Location), args);

    /// <summary>The start of the assembly <paramref name="name"/> (beside this one) with <paramref name="args"/>, output redirected.</summary>
    public static ProcessStartInfo Assembly(string name, params string[] args)
    {
        ProcessStartInfo info;
        if (Environment.GetEnvironmentVariable("SETGPU_TEST_HOST") is { Length: > 0 } selfContained)
        {
            info = new ProcessStartInfo(selfContained);
            info.ArgumentList.Add("run-assembly");
            info.ArgumentList.Add(name);
        }
        else
        {
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
            info = new ProcessStartInfo(dotnet);
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
        }
        foreach (var a in args) info.ArgumentList.Add(a);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }
}
