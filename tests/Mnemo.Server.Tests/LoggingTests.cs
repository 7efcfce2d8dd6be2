using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mnemo.ApiKeys;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Requests_are_logged_once_with_route_and_tenant_and_no_secret_reaches_any_log_line()
    {
        var capture = new CapturingLoggerProvider();
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite),
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:Microsoft"] = "Debug" },
            builder => builder.Logging.AddProvider(capture));
        var (tenantId, client) = await server.NewTenantAsync();
        var secret = $"zz-secret-{Guid.NewGuid():N}";
        var email = $"{secret}@example.com";

        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "logged-user", Email = email });
        await client.Messages.AppendAsync("logged-user", new AppendMessagesRequest { Role = "user", Content = secret }, idempotencyKey: secret);
        await Assert.ThrowsAsync<Client.MnemoApiException>(() => server.As($"mk_000000000000_{secret}").GetMeAsync());
        var key = await server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "x" });
        await server.As(key.Key).GetMeAsync();

        var lines = capture.Lines.ToList();
        Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(key.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(MnemoTestServer.AdminKey, StringComparison.Ordinal));
        var appendLog = Assert.Single(lines, line => line.Contains("HTTP POST /api/v1/users/{user_id}/messages/ responded 201", StringComparison.Ordinal));
        Assert.Contains($"tenant {tenantId}", appendLog, StringComparison.Ordinal);
        Assert.DoesNotContain("logged-user", appendLog, StringComparison.Ordinal);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                // The formatted line, every structured value, and the exception: all that any sink could write.
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(pair => $"{pair.Key}={pair.Value}")) : string.Empty;
                provider.Lines.Enqueue($"{category} {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
