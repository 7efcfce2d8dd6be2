using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Mnemo.ApiKeys;
using Mnemo.Categories;
using Mnemo.Client;
using Mnemo.Conversations;
using Mnemo.Extensions;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Placement;
using Mnemo.Tasks;
using Mnemo.Tenants;
using Npgsql;
using Xunit.Abstractions;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 18 (item 1): tenants placed across PostgreSQL databases. Each test runs a server on a
/// catalog database of its own and registers more databases of the test cluster; rows are counted
/// in each database directly, so "a tenant's rows exist only in its database" is checked, not assumed.
/// </summary>
public sealed class PlacementTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> Encrypted = new()
    {
        ["Mnemo:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    };

    [Fact]
    public async Task On_SQLite_the_placement_routes_answer_409_not_supported_and_a_tenant_lives_in_the_one_file()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite), Encrypted);
        var databases = server.Admin.Databases;
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "not_supported", () => databases.ListAsync());
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "not_supported", () => databases.GetAsync("default"));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "not_supported",
            () => databases.RegisterAsync(new RegisterDatabaseRequest { Id = "second", ConnectionString = "Host=127.0.0.1;Database=x" }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "not_supported",
            () => databases.UpdateAsync("default", new UpdateDatabaseRequest { Status = DatabaseStatus.Closed }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "not_supported",
            () => server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = TestIds.Tenant(), DatabaseId = "second" }));

        var (tenantId, _) = await server.NewTenantAsync();
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "not_supported",
            () => databases.MoveTenantAsync(tenantId, new MoveTenantRequest { DatabaseId = "default" }));
        var placed = await databases.OfTenantAsync(tenantId);
        Assert.Equal(("default", 13), (placed.DatabaseId, placed.SchemaVersion));
    }

    [Fact]
    public async Task A_catalog_started_under_one_id_refuses_to_start_under_another()
    {
        var catalog = await TestStores.CreateEmptyAsync(Backend.Postgres);
        await (await MnemoTestServer.StartAsync(catalog)).DisposeAsync();

        var failure = await Assert.ThrowsAsync<Hosting.MnemoConfigurationException>(() => MnemoTestServer.StartAsync(catalog,
            new Dictionary<string, string?> { ["Mnemo:Storage:DatabaseId"] = "renamed" }));
        Assert.Contains("first started as 'default'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_placed_in_a_registered_database_has_every_row_of_its_data_there_and_none_in_the_catalog()
    {
        var catalog = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var second = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var server = await MnemoTestServer.StartAsync(catalog, Encrypted);

        var registered = await server.Admin.Databases.RegisterAsync(new RegisterDatabaseRequest { Id = "second", ConnectionString = second });
        Assert.Equal(("second", "open", false, 0L, 13, true),
            (registered.Id, registered.Status, registered.Catalog, registered.Tenants, registered.SchemaVersion, registered.Reachable));

        var tenantId = TestIds.Tenant();
        await server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = tenantId, DatabaseId = "second" });
        Assert.Equal("second", (await server.Admin.Databases.OfTenantAsync(tenantId)).DatabaseId);
        var client = await KeyOfAsync(server, tenantId);
        await UseEverythingAsync(client);

        var here = await TenantRowCounts.InEveryTableAsync(second, tenantId);
        var inCatalog = await TenantRowCounts.InEveryTableAsync(catalog.ConnectionString, tenantId);
        output.WriteLine($"second: {Describe(here)}; catalog: {Describe(inCatalog)}");
        foreach (var table in new[] { "users", "messages", "conversations", "profiles", "events", "tasks", "categories", "extensions" })
        {
            Assert.True(here.GetValueOrDefault(table) > 0, $"{table} has no row in the tenant's database");
        }
        Assert.DoesNotContain(inCatalog, row => row.Value > 0 && !Storage.Placement.TenantRows.CatalogTables.Contains(row.Key));
        Assert.Equal(1, inCatalog["api_keys"]);
        Assert.Equal(1, inCatalog["user_sessions"]);

        var list = (await server.Admin.Databases.ListAsync()).Databases;
        Assert.Equal([("default", true, 0L), ("second", false, 1L)], list.Select(database => (database.Id, database.Catalog, database.Tenants)));

        // Erasing the user removes their sessions from the catalog too; deleting the tenant removes
        // its copy there and every row under it (the erasure ledger stays, as it does in one database).
        var erased = await client.Users.EraseAsync("ada");
        Assert.Equal(1, erased.Deleted["sessions"]);
        Assert.Equal(0, (await TenantRowCounts.InEveryTableAsync(catalog.ConnectionString, tenantId))["user_sessions"]);
        await server.Admin.Tenants.DeleteAsync(tenantId);
        Assert.Equal("erasure_ledger 1", Describe(await TenantRowCounts.InEveryTableAsync(second, tenantId)));
        Assert.Equal("", Describe(await TenantRowCounts.InEveryTableAsync(catalog.ConnectionString, tenantId)));
    }

    [Fact]
    public async Task Registration_refuses_what_it_cannot_use_and_new_tenants_go_to_the_open_database_with_the_fewest()
    {
        var catalog = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var second = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var server = await MnemoTestServer.StartAsync(catalog, Encrypted);
        var databases = server.Admin.Databases;

        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => databases.RegisterAsync(new RegisterDatabaseRequest { Id = "second", ConnectionString = "Host=;;=x" }));
        var unreachable = new NpgsqlConnectionStringBuilder(second) { Port = 1, Timeout = 2 }.ConnectionString;
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "database_unreachable",
            () => databases.RegisterAsync(new RegisterDatabaseRequest { Id = "second", ConnectionString = unreachable }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => databases.RegisterAsync(new RegisterDatabaseRequest { Id = "other", ConnectionString = catalog.ConnectionString }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => databases.RegisterAsync(new RegisterDatabaseRequest { Id = "default", ConnectionString = second }));

        var response = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/databases")
        {
            Headers = { { "X-API-Key", MnemoTestServer.AdminKey } },
            Content = JsonContent.Create(new Dictionary<string, string> { ["id"] = "second", ["connection_string"] = second }),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var password = new NpgsqlConnectionStringBuilder(second).Password;
        Assert.DoesNotContain("connection_string", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(password ?? "no password", await (await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/databases")
        {
            Headers = { { "X-API-Key", MnemoTestServer.AdminKey } },
        })).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => databases.RegisterAsync(new RegisterDatabaseRequest { Id = "again", ConnectionString = second }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => databases.RegisterAsync(new RegisterDatabaseRequest { Id = "second", ConnectionString = second }));

        // Fewest tenants first, ties by id: default, then second, then default again.
        var placed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var tenant = await server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = TestIds.Tenant() });
            placed.Add((await databases.OfTenantAsync(tenant.Id)).DatabaseId);
        }
        Assert.Equal(["default", "second", "default"], placed);

        Assert.Equal("closed", (await databases.UpdateAsync("second", new UpdateDatabaseRequest { Status = DatabaseStatus.Closed })).Status);
        var next = await server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = TestIds.Tenant() });
        Assert.Equal("default", (await databases.OfTenantAsync(next.Id)).DatabaseId);
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "database_closed",
            () => server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = TestIds.Tenant(), DatabaseId = "second" }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "database_closed",
            () => databases.MoveTenantAsync(next.Id, new MoveTenantRequest { DatabaseId = "second" }));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = TestIds.Tenant(), DatabaseId = "nowhere" }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => databases.GetAsync("nowhere"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => databases.OfTenantAsync("nobody"));

        var (_, tenantKey) = await server.NewTenantAsync();
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "platform_key_required", () => tenantKey.Databases.ListAsync());
    }

    [Fact]
    public async Task A_tenant_moved_there_and_back_under_appends_keeps_every_acknowledged_message_once_and_leaves_nothing_behind()
    {
        var catalog = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var second = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var server = await MnemoTestServer.StartAsync(catalog, Encrypted);
        await server.Admin.Databases.RegisterAsync(new RegisterDatabaseRequest { Id = "second", ConnectionString = second });
        var (tenantId, client) = await server.NewTenantAsync();
        await UseEverythingAsync(client);

        var acknowledged = new ConcurrentDictionary<string, bool>();
        var refused = 0;
        using var stop = new CancellationTokenSource();
        async Task WriteAsync(string user)
        {
            for (var i = 0; !stop.IsCancellationRequested || i < 5; i++)
            {
                var key = $"{user}-{i}";
                while (true)
                {
                    try
                    {
                        await client.Messages.AppendAsync(user, new AppendMessagesRequest { Role = "user", Content = $"message {key}" }, idempotencyKey: key);
                        acknowledged[key] = true;
                        break;
                    }
                    catch (MnemoApiException failure) when (failure.Code == "tenant_moving")
                    {
                        Interlocked.Increment(ref refused); // the client's own retries ran out inside the switch: again
                    }
                }
            }
        }
        var writers = Enumerable.Range(0, 4).Select(n => Task.Run(() => WriteAsync($"writer{n}"))).ToList();
        while (acknowledged.Count < 20)
        {
            await Task.Yield();
        }

        var there = await server.Admin.Databases.MoveTenantAsync(tenantId, new MoveTenantRequest { DatabaseId = "second" });
        var ackedAtFirstMove = acknowledged.Count;
        var back = await server.Admin.Databases.MoveTenantAsync(tenantId, new MoveTenantRequest { DatabaseId = "default" });
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        output.WriteLine($"moved there: {Describe(there.MovedRows)}, writes paused {there.WritesPausedMs} ms; back: writes paused {back.WritesPausedMs} ms");
        output.WriteLine($"{acknowledged.Count} appends acknowledged ({ackedAtFirstMove} when the first move answered), {refused} refusals seen past the client's retries");
        Assert.Equal(("default", "second"), (there.FromDatabaseId, there.DatabaseId));
        Assert.True(there.MovedRows["messages"] >= 20);

        Assert.DoesNotContain(await TenantRowCounts.InEveryTableAsync(second, tenantId), row => row.Value > 0);
        var stored = await TenantRowCounts.MessageKeysAsync(catalog.ConnectionString, tenantId);
        Assert.DoesNotContain(stored, key => key.Value > 1);
        Assert.DoesNotContain(acknowledged.Keys, key => !stored.ContainsKey(key));
        Assert.Equal("default", (await server.Admin.Databases.OfTenantAsync(tenantId)).DatabaseId);
        var history = await client.Messages.ListAsync("writer0", limit: 200);
        Assert.Equal(Math.Min(200, acknowledged.Keys.Count(key => key.StartsWith("writer0-", StringComparison.Ordinal))), history.Messages.Count);

        // New appends after the moves get sequence numbers past the copied ones (no key clash).
        await client.Messages.AppendAsync("writer0", new AppendMessagesRequest { Role = "user", Content = "after the moves" });
    }

    /// <summary>Writes a user with history, a conversation, a profile, events, a task, a category, an extension and a session.</summary>
    private static async Task UseEverythingAsync(MnemoClient client)
    {
        await client.Messages.AppendAsync("ada", new AppendMessagesRequest { Role = "user", Content = "I like tea" });
        await client.Conversations.CreateAsync("ada", new CreateConversationRequest { WorkflowName = "support" });
        await client.Memory.UpdateProfileAsync("ada", new UpdateProfileRequest { Language = "en" });
        await client.Tasks.CreateAsync(new CreateTaskRequest { TaskType = "follow_up", UserId = "ada", Request = System.Text.Json.JsonDocument.Parse("{}").RootElement });
        await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "plans", Name = "Plans", Type = "tier" });
        await client.Extensions.CreateAsync("ada", new CreateExtensionRequest { Name = "wallet", Type = "app" });
        await client.Auth.LoginAsync("ada");
    }

    private static async Task<MnemoClient> KeyOfAsync(MnemoTestServer server, string tenantId)
    {
        var key = await server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "test", Scopes = ApiKeyScopes.All });
        return server.As(key.Key);
    }

    private static string Describe(IReadOnlyDictionary<string, long> rows) =>
        string.Join(", ", rows.Where(row => row.Value > 0).OrderBy(row => row.Key, StringComparer.Ordinal).Select(row => $"{row.Key} {row.Value}"));
}
