using System.Collections.Concurrent;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public abstract class ShutdownTests(Backend backend)
{
    [Fact]
    public async Task Every_append_acknowledged_before_a_shutdown_is_in_the_store_after_restart()
    {
        var storage = await TestStores.CreateEmptyAsync(backend);
        var acknowledged = new ConcurrentBag<string>();
        string apiKey;
        await using (var server = await MnemoTestServer.StartAsync(storage))
        {
            (_, var client) = await server.NewTenantAsync();
            apiKey = client.ApiKey!;
            using var enough = new SemaphoreSlim(0);
            var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var content = $"w{writer}-{i}";
                    try
                    {
                        await client.Messages.AppendAsync("drill", new AppendMessagesRequest { Role = "user", Content = content });
                    }
                    catch (Exception exception) when (exception is HttpRequestException or Client.MnemoApiException or TaskCanceledException)
                    {
                        return; // The server is gone: this append was never acknowledged.
                    }
                    acknowledged.Add(content);
                    if (acknowledged.Count == 200)
                    {
                        enough.Release();
                    }
                }
            })).ToList();

            await enough.WaitAsync();
            await server.StopAsync();
            await Task.WhenAll(writers);
        }

        await using var restarted = await MnemoTestServer.StartAsync(storage);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        string? before = null;
        do
        {
            var page = await restarted.As(apiKey).Messages.ListAsync("drill", limit: 200, before: before);
            stored.UnionWith(page.Messages.Select(message => message.Content));
            before = page.NextCursor;
        }
        while (before is not null);

        Assert.True(acknowledged.Count >= 200);
        Assert.All(acknowledged, content => Assert.Contains(content, stored));
    }
}

public sealed class SqliteShutdownTests() : ShutdownTests(Backend.Sqlite);

public sealed class PostgresShutdownTests() : ShutdownTests(Backend.Postgres);
