using SetGpu.Checkpoints;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// The entry point of the test assembly when a test starts it as a child process (<c>dotnet SetGpu.KernelsTests.dll …</c>):
/// <c>save-checkpoints FILE</c> saves a large checkpoint to FILE over and over, one more epoch record each time, and
/// prints "saved N" after each save, until it is killed (<see cref="Checkpoints.InterruptedSaveTests"/>);
/// <c>rbm-fingerprint</c> prints <see cref="Kernels.RbmParityFingerprint"/> (run with SIMD switched off by <see cref="Kernels.RbmLanesTests"/>);
/// <c>device-contexts BACKEND N</c> prints the devices of BACKEND (opencl, cuda) each of N contexts created at once sees,
/// as a process's first calls to its runtime (<see cref="Gpu.ConcurrentContextTests"/>).
/// </summary>
public static class HelperProgram
{
    /// <summary>Runs a helper; under the test runner this is never called.</summary>
    public static int Main(string[] args)
    {
        if (args is ["save-checkpoints", var path])
        {
            SaveForever(path);
            return 0;
        }
        if (args is ["rbm-fingerprint"])
        {
            Console.WriteLine(Kernels.RbmParityFingerprint.Compute());
            return 0;
        }
        if (args is ["device-contexts", var backend, var threads])
        {
            Console.WriteLine(string.Join(" ", Gpu.ConcurrentContextTests.CountsAtOnce(backend, int.Parse(threads))));
            return 0;
        }
        Console.Error.WriteLine("SetGpu.KernelsTests: run the tests with dotnet test; helpers: save-checkpoints FILE, rbm-fingerprint, device-contexts BACKEND N");
        return 2;
    }

    /// <summary>A network of about 2 million connections: a save writes about 24 MB, long enough to be killed in the middle.</summary>
    public static TrainingCheckpoint BigCheckpoint()
    {
        var spec = new SetMlpSpec { LayerSizes = [2000, 2000, 10], Epsilon = 500, Epochs = 1_000_000, Seed = 7 };
        return new TrainingCheckpoint
        {
            Network = SparseNetwork.Create(spec),
            Report = new TrainingReport { Engine = "none", Device = "none", Dataset = "none", Spec = spec },
            Data = new DataIdentity { Name = "none", Fingerprint = new string('0', 64) },
        };
    }

    static void SaveForever(string path)
    {
        var checkpoint = BigCheckpoint();
        for (int n = 1; ; n++)
        {
            checkpoint.Report.Epochs.Add(new EpochRecord { Epoch = n - 1, Test = new Metrics { Accuracy = n } });
            checkpoint.Save(path);
            Console.WriteLine($"saved {n}");
            Console.Out.Flush();
        }
    }
}
