using System.Text;
using SetGpu.Cli;

namespace SetGpu.KernelsTests.Cli;

/// <summary>The command-line tests swap the console's writers, so they run one at a time, apart from the other tests.</summary>
[CollectionDefinition(nameof(CliHost), DisableParallelization = true)]
public sealed class CliCollection;

/// <summary>Runs the command-line program in this process and captures what it prints.</summary>
internal static class CliHost
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int code = CliApp.Create().Parse(args).Invoke();
            return new Result(code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    /// <summary>Runs and asserts exit code 0, showing everything printed when it is not.</summary>
    public static Result Ok(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
