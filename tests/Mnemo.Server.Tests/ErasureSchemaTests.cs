using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Mnemo.Storage;
using Xunit.Abstractions;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 13: erasure is tied to the schema. Every table that has a <c>user_id</c> column, read from
/// the database's own catalog, must hold rows of the user before erasure (so a new table must be
/// given some here, and so be thought about) and none after it.
/// </summary>
public abstract class ErasureSchemaTests(ServerFixture fixture, ITestOutputHelper output)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Erasure_empties_every_table_with_a_user_id_column_for_that_user_and_no_other()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        foreach (var user in new[] { "erased", "kept" })
        {
            await SeedEverythingAsync(tenantId, client.ApiKey!, user);
        }
        var tables = await TablesWithUserIdAsync();
        output.WriteLine($"tables with user_id: {string.Join(", ", tables)}");
        Assert.Contains("messages", tables);
        foreach (var table in tables)
        {
            Assert.True(await CountAsync(table, tenantId, "erased") > 0, $"{table} has no row of the user before erasure: seed it in this test");
        }

        await client.Users.EraseAsync("erased");

        foreach (var table in tables)
        {
            Assert.True(await CountAsync(table, tenantId, "erased") == 0, $"{table} still holds rows of the erased user");
            Assert.True(await CountAsync(table, tenantId, "kept") > 0, $"{table} lost rows of another user");
        }
    }

    /// <summary>A row of <paramref name="userId"/> in every feature that keeps one, through the API where it can be made so.</summary>
    private async Task SeedEverythingAsync(string tenantId, string key, string userId)
    {
        await SendAsync(key, HttpMethod.Post, "api/v1/users", $$"""{"id":"{{userId}}"}""");
        var conversation = await SendAsync(key, HttpMethod.Post, $"api/v1/users/{userId}/conversations", "{}");
        var conversationId = System.Text.Json.JsonDocument.Parse(conversation).RootElement.GetProperty("id").GetString();
        await SendAsync(key, HttpMethod.Post, $"api/v1/users/{userId}/messages", $$"""{"role":"user","content":"hello","conversation_id":"{{conversationId}}"}""");
        await SendAsync(key, HttpMethod.Post, $"api/v1/users/{userId}/events", """{"event_type":"visited"}""");
        await SendAsync(key, HttpMethod.Put, $"api/v1/users/{userId}/memory/profile", """{"tone":"warm"}""");
        await SendAsync(key, HttpMethod.Post, $"api/v1/insights/{userId}", """{"topic":"t","content":"c"}""");
        await SendAsync(key, HttpMethod.Post, "api/v1/tasks", $$$"""{"task_type":"summarize","request":{},"user_id":"{{{userId}}}"}""");
        await SendAsync(key, HttpMethod.Post, "api/v1/campaigns", $$"""{"id":"camp-{{userId}}","name":"c"}""");
        await SendAsync(key, HttpMethod.Post, "api/v1/user_context/campaign", $$$"""{"user_id":"{{{userId}}}","campaign_id":"camp-{{{userId}}}","context":{}}""");
        await SendAsync(key, HttpMethod.Post, "api/v1/auth/login", $$"""{"user_id":"{{userId}}"}""");
        var extension = await SendAsync(key, HttpMethod.Post, $"api/v1/extensions/{userId}", """{"name":"calendar","type":"integration"}""");
        var extensionId = System.Text.Json.JsonDocument.Parse(extension).RootElement.GetProperty("id").GetString();
        await SendAsync(key, HttpMethod.Post, $"api/v1/extensions/{userId}/{extensionId}/metrics", """{"name":"calls","value":3}""");
        await SendAsync(key, HttpMethod.Post, "api/v1/factors", $$"""{"id":"ease-{{userId}}","name":"Ease","weight":1,"min":0,"max":10}""");
        await SendAsync(key, HttpMethod.Put, $"api/v1/extensions/{userId}/{extensionId}/factors", $$$"""{"factors":{"ease-{{{userId}}}":7}}""");
        // A merchant is only made by Shopify's OAuth callback (ShopifyOAuthTests drives it); its row is written directly here.
        var database = _server.Services.GetRequiredService<MnemoDatabase>();
        await database.WriteAsync(async (session, token) =>
        {
            const string sql = """
                INSERT INTO oauth_merchants (tenant_id, shop, user_id, access_token_encrypted, scopes, installed_at, updated_at)
                VALUES (@tenant_id, @shop, @user_id, @token, 'read_orders', @now, @now)
                """;
            await using var command = session.Command(sql)
                .With("tenant_id", tenantId).With("shop", $"{userId}.myshopify.com").With("user_id", userId)
                .With("token", new byte[] { 1, 2, 3 }).With("now", DateTimeOffset.UnixEpoch);
            await command.ExecuteAsync(token);
            // This server runs no embedding model (the recall tests do): the user's message vectors are written directly.
            const string vectors = """
                INSERT INTO message_vectors (tenant_id, message_id, user_id, model, vector)
                SELECT tenant_id, id, user_id, 'seeded', @vector FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id
                """;
            await using var vector = session.Command(vectors).With("tenant_id", tenantId).With("user_id", userId).With("vector", new byte[16]);
            return await vector.ExecuteAsync(token);
        }, CancellationToken.None);
    }

    private async Task<List<string>> TablesWithUserIdAsync()
    {
        var database = _server.Services.GetRequiredService<MnemoDatabase>();
        var sql = fixture.Backend == Backend.Postgres
            ? "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'user_id' ORDER BY 1"
            : "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'user_id' ORDER BY 1";
        await using var session = await database.ReadAsync(CancellationToken.None);
        await using var command = session.Command(sql);
        return await command.ListAsync(reader => reader.GetString(0), CancellationToken.None);
    }

    private async Task<long> CountAsync(string table, string tenantId, string userId)
    {
        var database = _server.Services.GetRequiredService<MnemoDatabase>();
        await using var session = await database.ReadAsync(CancellationToken.None);
        await using var command = session.Command($"SELECT count(*) FROM {table} WHERE tenant_id = @tenant_id AND user_id = @user_id")
            .With("tenant_id", tenantId).With("user_id", userId);
        return Convert.ToInt64(await command.ScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<string> SendAsync(string key, HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-API-Key", key);
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text;
    }
}

public sealed class SqliteErasureSchemaTests(SqliteServerFixture fixture, ITestOutputHelper output) : ErasureSchemaTests(fixture, output), IClassFixture<SqliteServerFixture>;

public sealed class PostgresErasureSchemaTests(PostgresServerFixture fixture, ITestOutputHelper output) : ErasureSchemaTests(fixture, output), IClassFixture<PostgresServerFixture>;
