// The benchmark's set-up without its load: for profiling the server by hand under wrk.
using Mnemo.Testing;

namespace Mnemo.Bench;

/// <summary>
/// The <c>serve</c> mode: the append benchmark's store and server, a tenant, and the wrk scripts
/// for both paths, kept up until Enter is pressed (or stdin closes), so that perf, dotnet-trace or
/// dotnet-counters can watch the server while wrk drives it.
/// </summary>
internal static class ServeMode
{
    public static async Task RunAsync(BenchOptions options)
    {
        var storage = await AppendBench.DurableStoreAsync(options.Backend);
        var server = await ServerProcess.StartAsync(storage);
        // The scripts hold the tenant's key: gone with the server.
        var folder = Directory.CreateTempSubdirectory("mnemo-serve-").FullName;
        try
        {
            var (_, apiKey) = await server.NewTenantAsync("bench");
            var appendScript = Path.Combine(folder, "append.lua");
            var readScript = Path.Combine(folder, "read.lua");
            await File.WriteAllTextAsync(appendScript, Wrk.Script(apiKey, AppendBench.Users, append: true));
            await File.WriteAllTextAsync(readScript, Wrk.Script(apiKey, AppendBench.Users, append: false));
            var target = server.Address.ToString().TrimEnd('/');
            Console.WriteLine($"server pid {server.ProcessId} at {target} on {storage.ProviderName}");
            Console.WriteLine($"  {storage.ConnectionString}");
            Console.WriteLine($"append: wrk -t {Wrk.Threads(options.Concurrency)} -c {options.Concurrency} -d {options.Seconds}s -s {appendScript} {target}");
            Console.WriteLine($"read:   wrk -t {Wrk.Threads(options.Concurrency)} -c {options.Concurrency} -d {options.Seconds}s -s {readScript} {target}");
            Console.WriteLine("Enter stops the server.");
            await Console.In.ReadLineAsync();
        }
        finally
        {
            server.Kill();
            Directory.Delete(folder, recursive: true);
        }
    }
}
