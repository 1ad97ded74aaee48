using System.Reflection;
using System.Runtime.InteropServices;

namespace SetGpu.Distributed;

/// <summary>
/// Finds the MPI library for MPI.NET. MPI.NET imports <c>msmpi</c> (Microsoft MPI's name) and was built against the
/// MPICH ABI, whose handles are integers: it works with the MPICH family (MPICH, Intel MPI, MVAPICH, Cray MPICH), which
/// keeps that ABI as <c>libmpi.so.12</c>/<c>libmpich.so.12</c>. OpenMPI's handles are pointers: calling it through
/// MPI.NET would corrupt memory, so an OpenMPI library is refused here with a clear message.
/// </summary>
internal static class MpiLibrary
{
    /// <summary>Where to look, in order; <c>SETGPU_MPI_LIBRARY</c> names another file first.</summary>
    static readonly string[] Candidates = ["libmpich.so.12", "libmpi.so.12", "libmpi_ibm.so.12"];

    static int _installed;
    static string? _loaded;

    /// <summary>Points MPI.NET's import at an MPICH-family library; throws <see cref="MpiUnavailableException"/> naming what is wrong.</summary>
    public static string Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(MPI.Communicator).Assembly, Resolve);
        return _loaded ?? Load();
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase) ? NativeLibrary.Load(_loaded ?? Load()) : IntPtr.Zero;

    static string Load()
    {
        var names = Environment.GetEnvironmentVariable("SETGPU_MPI_LIBRARY") is { Length: > 0 } given ? [given, .. Candidates] : Candidates;
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            // OpenMPI ships libmpi.so.40; a libmpi.so.12 that exports OpenMPI's symbols is refused as well.
            if (NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
                throw new MpiUnavailableException($"{name} is OpenMPI, which MPI.NET cannot drive (its handles are pointers); " +
                                                  "install an MPICH-family MPI (Debian: apt-get install mpich)");
            if (!NativeLibrary.TryGetExport(handle, "MPI_Init_thread", out _))
                throw new MpiUnavailableException($"{name} does not export MPI_Init_thread: not an MPI library");
            return _loaded = name;
        }
        throw new MpiUnavailableException($"no MPICH-family MPI library found (looked for {string.Join(", ", names)}); " +
                                          "install one (Debian: apt-get install mpich) or name it in SETGPU_MPI_LIBRARY");
    }
}

/// <summary>Distributed training was asked for, but no usable MPI library is present.</summary>
public sealed class MpiUnavailableException(string message) : Exception(message);
