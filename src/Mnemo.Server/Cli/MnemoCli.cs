using System.CommandLine;
using Mnemo.Server.Hosting;

namespace Mnemo.Server.Cli;

/// <summary>
/// The server executable's command line: <c>serve</c> (the default, also whenever the first
/// argument is an option such as <c>--urls</c>) and the chores an operator runs against the store.
/// Exit codes: 0 success, 1 failure, 2 usage.
/// </summary>
public static class MnemoCli
{
    /// <summary>Runs the command in <paramref name="args"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0].StartsWith('-') || args[0] == "serve")
        {
            return await MnemoServer.RunAsync(args.Length > 0 && args[0] == "serve" ? args[1..] : args);
        }
        var console = new CliConsole(output ?? Console.Out, error ?? Console.Error);
        var root = Commands.Build(console);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await console.Error.WriteLineAsync($"mnemo: {parseError.Message}");
            }
            await console.Error.WriteLineAsync("Run 'mnemo --help' for usage.");
            return 2;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error });
    }
}

/// <summary>Where commands write: standard output for results, standard error for problems.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error);
