using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mnemo.Json;
using Xunit.Abstractions;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 13: text that a store cannot keep is refused the same way on both backends, before any
/// store sees it; odd search text is a 200 or a 400, never a 500; a field given twice, a cursor
/// no list gave out and a reserved id are refused. Bodies and query parameters are generated
/// from the endpoints' own metadata and request types.
/// </summary>
public abstract class InputScreeningTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const string Nul = "a\u0000b";
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Nul_in_any_string_field_of_any_request_body_is_400_invalid_character()
    {
        var (tenantId, values) = await WorldAsync();
        var tried = 0;
        foreach (var endpoint in MappedEndpoints.Of(_server))
        {
            if (MappedEndpoints.RequestType(endpoint) is not { } type)
            {
                continue;
            }
            var path = MappedEndpoints.Concrete(endpoint.RoutePattern, values);
            foreach (var method in MappedEndpoints.Methods(endpoint))
            {
                foreach (var (field, body) in PoisonedBodies(type))
                {
                    var problem = await ProblemAssert.SendAsync(_server, method, path.TrimStart('/'), body.ToJsonString(), MnemoTestServer.AdminKey,
                        HttpStatusCode.BadRequest, new Dictionary<string, string> { ["X-Tenant-ID"] = tenantId });
                    Assert.True(problem.GetProperty("code").GetString() == "invalid_character", $"{method} {path} {body.ToJsonString()}: {problem}");
                    var named = Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name;
                    Assert.True(named.StartsWith(field, StringComparison.Ordinal), $"{method} {path}: '{named}' for '{field}'");
                    tried++;
                }
            }
        }
        output.WriteLine($"{tried} poisoned bodies refused");
        Assert.True(tried > 100, $"only {tried} bodies tried");
    }

    [Fact]
    public async Task Nul_in_any_string_query_parameter_is_400_invalid_character()
    {
        var (tenantId, values) = await WorldAsync();
        var tried = 0;
        foreach (var endpoint in MappedEndpoints.Of(_server).Where(endpoint => MappedEndpoints.Methods(endpoint).Contains(HttpMethod.Get)))
        {
            foreach (var name in MappedEndpoints.QueryStrings(endpoint))
            {
                var path = $"{MappedEndpoints.Concrete(endpoint.RoutePattern, values).TrimStart('/')}?{name}=a%00b";
                var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Get, path, null, MnemoTestServer.AdminKey, HttpStatusCode.BadRequest,
                    new Dictionary<string, string> { ["X-Tenant-ID"] = tenantId });
                Assert.Equal("invalid_character", problem.GetProperty("code").GetString());
                Assert.Equal(name, Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name);
                tried++;
            }
        }
        output.WriteLine($"{tried} query parameters refused");
        Assert.True(tried > 20, $"only {tried} query parameters tried");
    }

    [Fact]
    public async Task Every_list_refuses_a_cursor_it_did_not_give_out_with_400_invalid_cursor()
    {
        var (tenantId, values) = await WorldAsync();
        var lists = 0;
        foreach (var endpoint in MappedEndpoints.Of(_server).Where(endpoint => MappedEndpoints.Methods(endpoint).Contains(HttpMethod.Get)))
        {
            foreach (var name in MappedEndpoints.QueryStrings(endpoint).Where(name => name is "cursor" or "before" or "after"))
            {
                // "bm90LWEtY3Vyc29y" is valid base64url ("not-a-cursor"); "%%%" is not base64 at all.
                foreach (var bogus in new[] { "bm90LWEtY3Vyc29y", "%25%25%25", "YQ" })
                {
                    // q: the search lists need one, and other lists ignore it.
                    var path = $"{MappedEndpoints.Concrete(endpoint.RoutePattern, values).TrimStart('/')}?q=x&{name}={bogus}";
                    var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Get, path, null, MnemoTestServer.AdminKey, HttpStatusCode.BadRequest,
                        new Dictionary<string, string> { ["X-Tenant-ID"] = tenantId });
                    Assert.True(problem.GetProperty("code").GetString() == "invalid_cursor", $"{path}: {problem}");
                }
                lists++;
            }
        }
        output.WriteLine($"{lists} cursor parameters checked");
        Assert.True(lists >= 10, $"only {lists} lists found");
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"unbalanced quote")]
    [InlineData("a AND OR NOT")]
    [InlineData("(((")]
    [InlineData(")")]
    [InlineData("a* OR -b")]
    [InlineData("NEAR(a b)")]
    [InlineData("content:secret")]
    [InlineData("'; DROP TABLE messages; --")]
    [InlineData("^ & | ! <-> :*")]
    [InlineData("é 中 😀")]
    public async Task Any_search_text_is_a_200_on_both_backends(string query)
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new Mnemo.Messages.AppendMessagesRequest { Role = "user", Content = "a secret about the content of NEAR things" });
        foreach (var path in new[] { "api/v1/users/u/messages/search", "api/v1/messages/search" })
        {
            await SearchAsync(client, $"{path}?q={Uri.EscapeDataString(query)}", HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Ten_kilobytes_of_search_text_and_nul_are_answered_not_failed()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new Mnemo.Messages.AppendMessagesRequest { Role = "user", Content = "word" });
        var large = Uri.EscapeDataString(string.Concat(Enumerable.Repeat("word (\"x ", 1250)));
        foreach (var path in new[] { "api/v1/users/u/messages/search", "api/v1/messages/search" })
        {
            await SearchAsync(client, $"{path}?q={large}", HttpStatusCode.BadRequest);
            await SearchAsync(client, $"{path}?q=a%00b", HttpStatusCode.BadRequest);
        }
    }

    [Theory]
    [InlineData("""{"role":"user","content":"a\ud800"}""", "content")]
    [InlineData("""{"role":"user","content":"x","metadata":{"\udc00":1}}""", "metadata.(name)")]
    [InlineData("""{"role":"user","content":"x","tags":["\udfff\ud800"]}""", "tags[0]")]
    public async Task A_lone_surrogate_is_400_invalid_character(string body, string field)
    {
        var (_, client) = await _server.NewTenantAsync();

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/messages", body, client.ApiKey, HttpStatusCode.BadRequest);

        Assert.Equal(("invalid_character", field), (problem.GetProperty("code").GetString(), Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name));
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_in_a_string_are_400_even_without_a_key()
    {
        foreach (var bad in new byte[][] { [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80] })
        {
            byte[] body = [.. "{\"refresh_token\":\"a"u8, .. bad, .. "\"}"u8];
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/refresh") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{Convert.ToHexString(bad)}: {(int)response.StatusCode} {text}");
        }
    }

    [Fact]
    public async Task A_number_no_store_can_keep_is_400_invalid_number_and_a_large_one_is_kept()
    {
        var (_, client) = await _server.NewTenantAsync();
        var key = client.ApiKey!;

        foreach (var number in new[] { "1e999999", "1e-1001", string.Concat(Enumerable.Repeat("9", 101)) })
        {
            var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/messages",
                $$$"""{"role":"user","content":"x","metadata":{"n":{{{number}}}}}""", key, HttpStatusCode.BadRequest);
            Assert.Equal(("invalid_number", "metadata.n"), (problem.GetProperty("code").GetString(), Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/users/u/messages")
        {
            Content = new StringContent("""{"role":"user","content":"x","metadata":{"n":1e308,"m":-1.5e-300}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-API-Key", key);
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_body_of_many_bad_items_gets_a_short_answer()
    {
        var items = string.Join(',', Enumerable.Repeat(@"""\u0000""", 20_000));
        var body = $$"""{"refresh_token":[{{items}}]}""";

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/auth/refresh", body, null, HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.Equal(51, errors.Count);
        Assert.Equal("(more)", errors[^1].Name);
    }

    [Fact]
    public async Task A_body_naming_a_field_twice_is_400_duplicate_field_naming_it()
    {
        var (_, client) = await _server.NewTenantAsync();
        var key = client.ApiKey!;

        var top = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/messages", """{"role":"user","role":"assistant","content":"x"}""", key, HttpStatusCode.BadRequest);
        var nested = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/messages", """{"role":"user","content":"x","metadata":{"a":1,"a":2}}""", key, HttpStatusCode.BadRequest);

        Assert.Equal(("duplicate_field", "role"), (top.GetProperty("code").GetString(), Assert.Single(top.GetProperty("errors").EnumerateObject()).Name));
        Assert.Equal(("duplicate_field", "metadata.a"), (nested.GetProperty("code").GetString(), Assert.Single(nested.GetProperty("errors").EnumerateObject()).Name));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.GetAsync("u"));
    }

    [Fact]
    public async Task A_suspended_tenants_key_is_403_on_every_endpoint_including_me()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await _server.Admin.Tenants.UpdateAsync(tenantId, new Mnemo.Tenants.UpdateTenantRequest { Status = "suspended" });

        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_suspended", () => client.GetMeAsync());
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_suspended", () => client.Users.ListAsync());
    }

    [Fact]
    public async Task Resolve_is_reserved_so_it_never_names_a_user()
    {
        var (_, client) = await _server.NewTenantAsync();
        var key = client.ApiKey!;

        await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users", """{"id":"resolve"}""", key, HttpStatusCode.BadRequest);
        await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/Resolve/messages", """{"role":"user","content":"x"}""", key, HttpStatusCode.BadRequest);
        foreach (var spelled in new[] { "resolve", "Resolve", "RESOLVE" })
        {
            var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Delete, $"api/v1/users/{spelled}", null, key, HttpStatusCode.BadRequest);
            Assert.Equal("user_id", Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name);
        }
    }

    private async Task SearchAsync(Client.MnemoClient client, string path, params HttpStatusCode[] allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-API-Key", client.ApiKey);
        using var response = await _server.Http.SendAsync(request);
        Assert.True(allowed.Contains(response.StatusCode), $"{path[..Math.Min(path.Length, 120)]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A tenant and route values that let every endpoint route and pass authorization.</summary>
    private async Task<(string TenantId, Dictionary<string, string> Values)> WorldAsync()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u" });
        var id = Guid.CreateVersion7().ToString();
        return (tenantId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tenant_id"] = tenantId, ["user_id"] = "u", ["conversation_id"] = id, ["message_id"] = id, ["insight_id"] = id,
            ["campaign_id"] = "c", ["task_id"] = id, ["key_id"] = id, ["documentName"] = "v1",
            ["category_id"] = "c", ["factor_id"] = "f", ["assignment_id"] = id, ["system_id"] = "s", ["extension_id"] = id,
            ["database_id"] = "d",
        });
    }

    /// <summary>
    /// For each string a body of <paramref name="type"/> can carry (its own fields, free JSON such
    /// as metadata, lists and maps of strings, nested items), a body with NUL in it, and the field
    /// the refusal must name.
    /// </summary>
    private static IEnumerable<(string Field, JsonObject Body)> PoisonedBodies(Type type)
    {
        var info = MnemoJsonContext.Default.GetTypeInfo(type) ?? throw new InvalidOperationException($"{type} is not in MnemoJsonContext");
        foreach (var property in info.Properties)
        {
            foreach (var (suffix, value) in PoisonedValues(property.PropertyType))
            {
                yield return (property.Name + suffix, new JsonObject { [property.Name] = value });
            }
        }
    }

    private static IEnumerable<(string Suffix, JsonNode Value)> PoisonedValues(Type type)
    {
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        if (bare == typeof(string))
        {
            yield return ("", JsonValue.Create(Nul));
        }
        else if (bare == typeof(JsonElement) || typeof(System.Collections.IDictionary).IsAssignableFrom(bare)
            || (bare.IsGenericType && bare.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
        {
            yield return (".k", new JsonObject { ["k"] = Nul });
            yield return (".", new JsonObject { [Nul] = "v" });
        }
        else if (bare != typeof(string) && bare.GetInterfaces().Append(bare).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable)
        {
            var item = enumerable.GetGenericArguments()[0];
            foreach (var (suffix, value) in item == typeof(string) ? [("", JsonValue.Create(Nul))] : PoisonedBodies(item).Select(body => ($".{body.Field}", (JsonNode)body.Body)))
            {
                yield return ($"[0]{suffix}", new JsonArray(value));
            }
        }
    }
}

public sealed class SqliteInputScreeningTests(SqliteServerFixture fixture, ITestOutputHelper output) : InputScreeningTests(fixture, output), IClassFixture<SqliteServerFixture>;

public sealed class PostgresInputScreeningTests(PostgresServerFixture fixture, ITestOutputHelper output) : InputScreeningTests(fixture, output), IClassFixture<PostgresServerFixture>;
