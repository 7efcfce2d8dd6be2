using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Mnemo.Client;
using Mnemo.Server.Hosting;
using Mnemo.Storage.Configuration;
using Xunit;

namespace Mnemo.Testing;

/// <summary>The real server on Kestrel, on a free loopback port, over a store of its own.</summary>
public sealed class MnemoTestServer : IAsyncDisposable
{
    public const string AdminKey = "test-platform-admin-key-0123456789";

    private readonly WebApplication _app;

    private MnemoTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        // Every response is checked against the server's OpenAPI document.
        Http = new HttpClient(new OpenApi.ContractCheckingHandler(address)) { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A client with the platform admin key.</summary>
    public MnemoClient Admin => new(Http, AdminKey);

    /// <summary>A client with <paramref name="apiKey"/>.</summary>
    public MnemoClient As(string? apiKey, string? tenantId = null) => new(Http, apiKey, tenantId);

    /// <summary>A new tenant and a client holding a key of it with <paramref name="scopes"/> (all by default).</summary>
    public async Task<(string TenantId, MnemoClient Client)> NewTenantAsync(params string[] scopes)
    {
        var tenantId = TestIds.Tenant();
        await Admin.Tenants.CreateAsync(new Mnemo.Tenants.CreateTenantRequest { Id = tenantId });
        var key = await Admin.ApiKeys.CreateAsync(tenantId, new Mnemo.ApiKeys.CreateApiKeyRequest
        {
            Name = "test",
            Scopes = scopes.Length == 0 ? Mnemo.ApiKeys.ApiKeyScopes.All : scopes,
        });
        return (tenantId, As(key.Key));
    }

    public static async Task<MnemoTestServer> StartAsync(
        ResolvedStorage storage, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Mnemo:AdminKey"] = AdminKey,
            ["Mnemo:Storage:Provider"] = storage.ProviderName,
            ["Mnemo:Storage:ConnectionString"] = storage.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests flush activity themselves; the timer must not race them.
            ["Mnemo:ActivityFlushInterval"] = "01:00:00",
            ["Mnemo:Retention:Enabled"] = "false",
            // The embedding model (about a second to load, 350 MB) only where a test asks for it.
            ["Mnemo:Embeddings:Provider"] = "none",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var app = await MnemoServer.BuildAsync(["--urls", "http://127.0.0.1:0"],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(configuration);
                configure?.Invoke(builder);
            });
        await app.StartAsync();
        var address = LoopbackApp.AddressOf(app);
        return new MnemoTestServer(app, new Uri(address));
    }

    /// <summary>Stops the server as SIGTERM would: no new requests, in-flight ones finish.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One server per test class and backend, with <paramref name="settings"/> added to the test defaults.</summary>
public abstract class ServerFixture(Backend backend, IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private MnemoTestServer? _server;

    public Backend Backend { get; } = backend;

    public MnemoTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend), settings);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public sealed class SqliteServerFixture() : ServerFixture(Backend.Sqlite);

public sealed class PostgresServerFixture() : ServerFixture(Backend.Postgres);
