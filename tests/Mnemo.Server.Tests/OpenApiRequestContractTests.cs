using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mnemo.Testing.OpenApi;
using Xunit.Abstractions;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 19: each operation's documented request constraints are what the server enforces. For
/// every operation with a JSON body, a known-good body, then bodies that break one documented
/// constraint each (an unknown field at the top and in nested objects, a required field left
/// out, a wrong JSON type, a string one past its length limits, a number one past its bounds, a
/// value outside its enum or pattern, a list one past its item limits) must get 400; the same
/// body at each bound exactly, and with each enum value, must not.
/// </summary>
public abstract class OpenApiRequestContractTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const string UserId = "contract-user";
    private const string CampaignId = "contract-campaign";

    // One body the server accepts for each operation (it may still answer 404 or 409: what matters
    // is that the body is not refused). Cross-field rules the schema cannot state (one of
    // role+content or messages, ttl_days or expires_at) are met here.
    private static readonly Dictionary<string, string> ValidBodies = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/auth/login"] = $$"""{"user_id":"{{UserId}}"}""",
        ["POST /api/v1/auth/refresh"] = """{"refresh_token":"not-a-token"}""",
        ["POST /api/v1/auth/logout"] = """{"refresh_token":"not-a-token"}""",
        ["PUT /api/v1/tenants/{tenant_id}/oauth/shopify"] =
            """{"client_id":"c","client_secret":"s","scopes":"read_products","redirect_url":"https://example.com/callback","frontend_url":"https://example.com/"}""",
        ["POST /api/v1/tenants"] = """{"id":"contract-new-tenant","settings":{"message_retention_days":30}}""",
        ["PUT /api/v1/tenants/{tenant_id}"] = """{"name":"Renamed"}""",
        ["POST /api/v1/tenants/{tenant_id}/api-keys"] = """{"name":"k"}""",
        ["POST /api/v1/users"] = """{"id":"contract-new-user"}""",
        ["PUT /api/v1/users/{user_id}"] = """{"name":"n"}""",
        ["POST /api/v1/users/resolve"] = """{"provider":"p","external_id":"e"}""",
        ["POST /api/v1/users/{user_id}/messages"] = """{"role":"user","content":"hello"}""",
        ["PATCH /api/v1/users/{user_id}/messages/{message_id}"] = """{"content":"edited"}""",
        ["POST /api/v1/users/{user_id}/conversations"] = "{}",
        ["PATCH /api/v1/users/{user_id}/conversations/{conversation_id}"] = """{"status":"ended"}""",
        ["POST /api/v1/users/{user_id}/events"] = """{"event_type":"login"}""",
        ["PUT /api/v1/users/{user_id}/memory/profile"] = """{"language":"en"}""",
        ["POST /api/v1/users/{user_id}/memory/events"] = """{"events":[{"role":"user","content":"hi"}]}""",
        ["POST /api/v1/users/{user_id}/memory/compress"] = """{"summary":"s","keep_last_n":1}""",
        ["POST /api/v1/insights/{user_id}"] = """{"topic":"t","content":"c"}""",
        ["POST /api/v1/tasks"] = """{"task_type":"t","request":{}}""",
        ["PUT /api/v1/tasks/{task_id}"] = """{"priority":1}""",
        ["POST /api/v1/tasks/claim"] = """{"worker_id":"w"}""",
        ["POST /api/v1/tasks/{task_id}/claim"] = """{"worker_id":"w"}""",
        ["POST /api/v1/tasks/{task_id}/heartbeat"] = """{"worker_id":"w"}""",
        ["POST /api/v1/tasks/{task_id}/complete"] = """{"worker_id":"w"}""",
        ["POST /api/v1/tasks/{task_id}/fail"] = """{"worker_id":"w"}""",
        ["POST /api/v1/campaigns"] = $$"""{"id":"{{CampaignId}}"}""",
        ["PUT /api/v1/campaigns/{campaign_id}"] = """{"name":"n"}""",
        ["POST /api/v1/campaigns/{campaign_id}/users/{user_id}/messages"] = """{"role":"user","content":"hello"}""",
        ["PUT /api/v1/user_context/{user_id}"] = """{"metadata":{}}""",
        ["POST /api/v1/user_context/system"] = $$$"""{"user_id":"{{{UserId}}}","context":{}}""",
        ["POST /api/v1/user_context/campaign"] = $$"""{"user_id":"{{UserId}}","campaign_id":"{{CampaignId}}","ttl_days":1}""",
        ["POST /api/v1/user_context/migrate"] = $$"""{"user_id":"{{UserId}}","campaign_id":"{{CampaignId}}"}""",
        ["PUT /api/v1/user_context/campaign/{campaign_id}/user/{user_id}/ttl"] = """{"ttl_days":1}""",
        ["POST /api/v1/categories"] = """{"name":"n","type":"topic"}""",
        ["PUT /api/v1/categories/{category_id}"] = """{"name":"n","type":"topic"}""",
        ["POST /api/v1/factors"] = """{"name":"n","weight":1,"min":0,"max":10}""",
        ["PUT /api/v1/factors/{factor_id}"] = """{"name":"n","weight":1,"min":0,"max":10}""",
        ["POST /api/v1/systems"] = """{"id":"contract-system","name":"n","type":"crm"}""",
        ["PUT /api/v1/systems/{system_id}"] = """{"name":"n","type":"crm"}""",
        ["POST /api/v1/systems/{system_id}/versions"] = """{"version":"1.0.0"}""",
        ["PUT /api/v1/systems/{system_id}/config"] = """{"config":{}}""",
        ["PUT /api/v1/tenants/{tenant_id}/systems/{system_id}"] = """{"enabled":true}""",
        ["PUT /api/v1/tenants/{tenant_id}/systems/{system_id}/config"] = """{"config":{}}""",
        ["POST /api/v1/extensions/{user_id}"] = """{"name":"n","type":"t"}""",
        ["PUT /api/v1/extensions/{user_id}/{extension_id}"] = """{"name":"n"}""",
        ["POST /api/v1/extensions/{user_id}/{extension_id}/metrics"] = """{"name":"calls","value":1}""",
        ["PUT /api/v1/extensions/{user_id}/{extension_id}/factors"] = """{"factors":{}}""",
        ["POST /api/v1/entity-assignments"] = $$"""{"entity_type":"user","entity_id":"{{UserId}}","category_id":"contract-category"}""",
        ["POST /api/v1/databases"] = """{"id":"contract-database","connection_string":"Host=127.0.0.1;Port=1;Database=x;Timeout=1","status":"open"}""",
        ["PUT /api/v1/databases/{database_id}"] = """{"status":"open"}""",
        ["POST /api/v1/tenants/{tenant_id}/move"] = """{"database_id":"contract-database"}""",
    };

    // Fields whose bounds depend on each other (a factor's min must stay below its max): each
    // bound of one alone would break the pair, so their bounds are tried by the feature's own tests.
    private static readonly HashSet<string> PairedBounds = ["POST /api/v1/factors min", "POST /api/v1/factors max",
        "PUT /api/v1/factors/{factor_id} min", "PUT /api/v1/factors/{factor_id} max"];

    [Fact]
    public async Task Every_documented_request_constraint_is_enforced_and_no_undocumented_one_refuses_a_valid_body()
    {
        var server = fixture.Server;
        var (tenantId, client) = await server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = UserId });
        var api = DocumentedApi.Parse(await server.Http.GetStringAsync("openapi/v1.json"));
        var schemas = api.Document["components"]!["schemas"]!.AsObject();

        var withBodies = api.Operations.Where(operation => operation.Node["requestBody"]?["content"]?["application/json"] is not null).ToList();
        Assert.Equal(ValidBodies.Keys.Order(StringComparer.Ordinal), withBodies.Select(Name).Order(StringComparer.Ordinal));

        var failures = new List<string>();
        var sent = 0;
        foreach (var operation in withBodies)
        {
            // A tenant of its own: an operation may suspend the tenant its path names.
            var (pathTenantId, _) = await server.NewTenantAsync();
            var path = Fill(operation.Template, pathTenantId);
            var schema = Resolve(operation.Node["requestBody"]!["content"]!["application/json"]!["schema"]!, schemas);
            var valid = JsonNode.Parse(ValidBodies[Name(operation)])!.AsObject();
            var bodyRequired = operation.Node["requestBody"]!["required"]?.GetValue<bool>() == true;
            foreach (var (label, body, expectRefused) in Cases(valid, schema, schemas, bodyRequired, field => PairedBounds.Contains($"{Name(operation)} {field}")))
            {
                sent++;
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path)
                {
                    Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("X-API-Key", MnemoTestServer.AdminKey);
                if (!operation.Template.Contains("{tenant_id}", StringComparison.Ordinal) && operation.Template != "/api/v1/tenants")
                {
                    request.Headers.Add("X-Tenant-ID", tenantId);
                }
                using var response = await server.Http.SendAsync(request);
                var refused = response.StatusCode == HttpStatusCode.BadRequest;
                var answer = await response.Content.ReadAsStringAsync();
                // Shopify's app settings need Mnemo__EncryptionKey, which this server lacks: 503 not_configured.
                var serverFault = (int)response.StatusCode >= 500 && !answer.Contains("\"not_configured\"", StringComparison.Ordinal);
                if (refused != expectRefused || serverFault)
                {
                    failures.Add($"{Name(operation)} {label}: {(int)response.StatusCode} {answer}\n    body: {Clip(body)}");
                }
            }
        }
        output.WriteLine($"{sent} bodies sent to {withBodies.Count} operations");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The valid body, then one case per documented constraint: (label, body, whether a 400 is expected).</summary>
    private static IEnumerable<(string Label, string? Body, bool Refused)> Cases(
        JsonObject valid, JsonObject schema, JsonObject schemas, bool bodyRequired, Func<string, bool> pairedBound)
    {
        yield return ("as given", valid.ToJsonString(), false);
        if (bodyRequired)
        {
            yield return ("without a body", null, true);
        }
        foreach (var (label, body) in Breaking(valid, schema, schemas, string.Empty))
        {
            yield return (label, body.ToJsonString(), true);
        }
        foreach (var (label, body) in Bounds(valid, schema, schemas, pairedBound))
        {
            yield return (label, body.ToJsonString(), false);
        }
    }

    /// <summary>Bodies that each break one constraint of <paramref name="schema"/> (an object's), as <paramref name="root"/> with one change at <paramref name="at"/>.</summary>
    private static IEnumerable<(string Label, JsonObject Body)> Breaking(JsonObject root, JsonObject schema, JsonObject schemas, string at)
    {
        if (schema["additionalProperties"]?.GetValue<bool>() == false)
        {
            yield return ($"{at}unknown field", With(root, at, "zz_unknown", JsonValue.Create(1)));
        }
        foreach (var required in schema["required"]?.AsArray().Select(name => name!.GetValue<string>()) ?? [])
        {
            yield return ($"{at}{required} left out", Without(root, at, required));
        }
        foreach (var (name, propertyNode) in schema["properties"]?.AsObject() ?? [])
        {
            var property = Resolve(propertyNode!, schemas);
            var types = Types(property);
            var field = $"{at}{name}";
            if (types.Count > 0 && WrongType(types) is { } wrong)
            {
                yield return ($"{field} of the wrong type", With(root, at, name, wrong));
            }
            if (property["maxLength"] is { } maxLength && property["pattern"] is null)
            {
                yield return ($"{field} too long", With(root, at, name, JsonValue.Create(new string('a', maxLength.GetValue<int>() + 1))));
            }
            if (property["minLength"]?.GetValue<int>() is > 0 and var minLength)
            {
                yield return ($"{field} too short", With(root, at, name, JsonValue.Create(new string('a', minLength - 1))));
            }
            if (property["maximum"] is { } maximum)
            {
                yield return ($"{field} above its maximum", With(root, at, name, JsonValue.Create(maximum.GetValue<double>() + 1)));
            }
            if (property["minimum"] is { } minimum)
            {
                yield return ($"{field} below its minimum", With(root, at, name, JsonValue.Create(minimum.GetValue<double>() - 1)));
            }
            if (property["enum"] is not null)
            {
                yield return ($"{field} outside its enum", With(root, at, name, JsonValue.Create("zz-not-one-of-them")));
            }
            if (property["pattern"] is not null)
            {
                yield return ($"{field} against its pattern", With(root, at, name, JsonValue.Create("not a valid id!")));
            }
            var item = ItemOf(Get(root, at)?[name], property, schemas);
            if (property["maxItems"] is { } maxItems)
            {
                yield return ($"{field} with too many items", With(root, at, name, Repeat(item, maxItems.GetValue<int>() + 1)));
            }
            if (property["minItems"]?.GetValue<int>() is > 0 and var minItems)
            {
                yield return ($"{field} with too few items", With(root, at, name, Repeat(item, minItems - 1)));
            }
            // An object inside: its own constraints, where the valid body has one to change.
            if (Get(root, at)?[name] is JsonObject && property["properties"] is not null)
            {
                foreach (var nested in Breaking(root, property, schemas, $"{field}."))
                {
                    yield return nested;
                }
            }
            if (Get(root, at)?[name] is JsonArray { Count: > 0 } && property["items"] is { } items && Resolve(items, schemas) is { } itemSchema
                && itemSchema["additionalProperties"]?.GetValue<bool>() == false)
            {
                var withUnknown = Clone(root);
                Get(withUnknown, at)![name]![0]!.AsObject()["zz_unknown"] = 1;
                yield return ($"{field}[0] with an unknown field", withUnknown);
            }
        }
    }

    /// <summary>The valid body with one top-level field at a documented bound exactly, or set to each documented enum value.</summary>
    private static IEnumerable<(string Label, JsonObject Body)> Bounds(JsonObject valid, JsonObject schema, JsonObject schemas, Func<string, bool> pairedBound)
    {
        foreach (var (name, propertyNode) in schema["properties"]?.AsObject() ?? [])
        {
            var property = Resolve(propertyNode!, schemas);
            if (pairedBound(name))
            {
                continue;
            }
            if (property["maxLength"] is { } maxLength && property["pattern"] is null)
            {
                yield return ($"{name} at its maximum length", With(valid, string.Empty, name, JsonValue.Create(new string('a', maxLength.GetValue<int>()))));
            }
            foreach (var bound in new[] { property["maximum"], property["minimum"] }.OfType<JsonNode>())
            {
                var value = bound.GetValue<double>();
                yield return ($"{name} = {value}", With(valid, string.Empty, name, Types(property).Contains("integer") ? JsonValue.Create((long)value) : JsonValue.Create(value)));
            }
            foreach (var value in property["enum"]?.AsArray().OfType<JsonNode>() ?? [])
            {
                yield return ($"{name} = {value}", With(valid, string.Empty, name, value.DeepClone()));
            }
        }
    }

    private static JsonNode ItemOf(JsonNode? current, JsonObject property, JsonObject schemas) =>
        current is JsonArray { Count: > 0 } array ? array[0]!.DeepClone()
        : property["items"] is { } items && Types(Resolve(items, schemas)).Contains("object") ? new JsonObject { ["role"] = "user", ["content"] = "x" }
        : JsonValue.Create("x");

    private static JsonArray Repeat(JsonNode item, int count) => [.. Enumerable.Range(0, count).Select(_ => item.DeepClone())];

    private static JsonValue? WrongType(HashSet<string> types) =>
        !types.Contains("string") ? JsonValue.Create("1")
        : !types.Contains("integer") && !types.Contains("number") ? JsonValue.Create(12345)
        : !types.Contains("boolean") ? JsonValue.Create(true)
        : null;

    private static HashSet<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray array => [.. array.Select(type => type!.GetValue<string>())],
        JsonValue value => [value.GetValue<string>()],
        _ => [],
    };

    /// <summary>A schema with its <c>$ref</c> followed (a nullable reference's non-null branch).</summary>
    private static JsonObject Resolve(JsonNode schema, JsonObject schemas)
    {
        var node = schema.AsObject();
        if (node["anyOf"] is JsonArray alternatives && alternatives.OfType<JsonObject>().FirstOrDefault(alternative => alternative["$ref"] is not null) is { } reference)
        {
            node = reference;
        }
        return node["$ref"]?.GetValue<string>() is { } target
            ? schemas[target["#/components/schemas/".Length..]]!.AsObject()
            : node;
    }

    private static JsonObject With(JsonObject root, string at, string name, JsonNode? value)
    {
        var copy = Clone(root);
        Get(copy, at)![name] = value;
        return copy;
    }

    private static JsonObject Without(JsonObject root, string at, string name)
    {
        var copy = Clone(root);
        Get(copy, at)!.Remove(name);
        return copy;
    }

    /// <summary>The object at a dotted path such as <c>settings.</c> (the root for an empty one).</summary>
    private static JsonObject? Get(JsonObject root, string at) =>
        at.Split('.', StringSplitOptions.RemoveEmptyEntries).Aggregate<string, JsonObject?>(root, (node, name) => node?[name] as JsonObject);

    private static JsonObject Clone(JsonObject root) => root.DeepClone().AsObject();

    private static string Fill(string template, string tenantId) => template
        .Replace("{tenant_id}", tenantId, StringComparison.Ordinal)
        .Replace("{user_id}", UserId, StringComparison.Ordinal)
        .Replace("{campaign_id}", CampaignId, StringComparison.Ordinal)
        .Replace("{message_id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{conversation_id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{task_id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{category_id}", "contract-category", StringComparison.Ordinal)
        .Replace("{factor_id}", "contract-factor", StringComparison.Ordinal)
        .Replace("{system_id}", "contract-system", StringComparison.Ordinal)
        .Replace("{extension_id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{database_id}", "contract-database", StringComparison.Ordinal)
        .TrimStart('/');

    private static string Name(DocumentedApi.Operation operation) => $"{operation.Method} {operation.Template}";

    private static string Clip(string? body) => body is null ? "(none)" : body.Length <= 300 ? body : body[..300] + "…";
}

public sealed class SqliteOpenApiRequestContractTests(SqliteServerFixture fixture, ITestOutputHelper output)
    : OpenApiRequestContractTests(fixture, output), IClassFixture<SqliteServerFixture>;

public sealed class PostgresOpenApiRequestContractTests(PostgresServerFixture fixture, ITestOutputHelper output)
    : OpenApiRequestContractTests(fixture, output), IClassFixture<PostgresServerFixture>;
