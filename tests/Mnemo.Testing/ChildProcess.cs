using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mnemo.Testing;

/// <summary>A server the tests run as a child in the foreground, ready once it says so on standard output or error.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Starts <paramref name="start"/> and waits until a line of its output contains <paramref name="readyText"/>;
    /// fails with what it said if it exits first. It is killed when the test process exits.
    /// </summary>
    public static async Task<Process> StartAsync(ProcessStartInfo start, string readyText, string name)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var said = new ConcurrentQueue<string>();
        void Read(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is { } text)
            {
                said.Enqueue(text);
                if (text.Contains(readyText, StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }
        }
        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{name} exited ({process.ExitCode}): {string.Join('\n', said)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return process;
    }

    /// <summary>SIGKILL, and waits for it to be gone.</summary>
    public static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
