using System.Diagnostics;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// A small tmpfs mounted for one test (as root: CI runs as root), to fill a disk or to be read-only for real; unmounted
/// and removed on dispose. Where mounting is impossible the test skips with the reason.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/>, or skips the test saying why it cannot.</summary>
    public static TmpfsMount Create(int kilobytes, bool readOnly = false)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "a tmpfs needs Linux");
        Skip.IfNot(Environment.UserName == "root", $"mounting a tmpfs needs root (running as {Environment.UserName})");
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "setgpu-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k{(readOnly ? ",ro" : "")}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            Skip.If(true, $"mount -t tmpfs failed ({error.Trim()})");
        }
        return new TmpfsMount(path);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    static (int Code, string Error) Run(string program, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }

    public void Dispose()
    {
        Run("umount", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
