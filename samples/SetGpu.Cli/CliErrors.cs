using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>Turns the errors a user can cause (bad options, files, data, devices) into one line on stderr and exit code 2.</summary>
internal static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or DataFormatException or FileNotFoundException
                                      or DirectoryNotFoundException or InvalidDataException or CheckpointFormatException
                                      or TrainingDivergedException or SetGpu.Gpu.DeviceUnavailableException
                                      or SetGpu.Gpu.InsufficientDeviceMemoryException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
