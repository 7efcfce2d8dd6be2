using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Mnemo.Testing.OpenApi;

/// <summary>
/// The server's OpenAPI document, read for checking: each operation's path template and the
/// schema of each response it documents, as JSON Schema 2020-12 (the document's components become
/// <c>$defs</c>). One per distinct document text, shared by every server that serves it.
/// </summary>
public sealed class DocumentedApi
{
    private static readonly ConcurrentDictionary<string, DocumentedApi> ByText = new(StringComparer.Ordinal);

    private readonly List<Operation> _operations;
    private readonly JsonObject _defs;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    private DocumentedApi(JsonObject document)
    {
        Document = document;
        _defs = RefsToDefs((document["components"]?["schemas"] ?? new JsonObject()).DeepClone()).AsObject();
        _operations = [];
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                _operations.Add(new Operation(method.ToUpperInvariant(), path, TemplatePattern(path), LiteralSegments(path), operation!.AsObject()));
            }
        }
    }

    /// <summary>The document as served.</summary>
    public JsonObject Document { get; }

    /// <summary>Every operation.</summary>
    public IReadOnlyList<Operation> Operations => _operations;

    /// <summary>The document of <paramref name="text"/>, parsed once.</summary>
    public static DocumentedApi Parse(string text) => ByText.GetOrAdd(text, static text => new DocumentedApi(JsonNode.Parse(text)!.AsObject()));

    /// <summary>The path as routing sees it: each segment percent-decoded (an encoded slash stays inside its segment).</summary>
    public static string DecodePath(string path) =>
        string.Join('/', path.Split('/').Select(segment => Uri.UnescapeDataString(segment).Replace("/", "%2F", StringComparison.Ordinal)));

    /// <summary>The operation routing would pick for <paramref name="method"/> and <paramref name="path"/>, if any is documented.</summary>
    public Operation? Find(string method, string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return _operations
            .Where(operation => operation.Method == method && operation.Pattern.IsMatch(trimmed))
            .OrderByDescending(operation => operation.LiteralSegments)
            .FirstOrDefault();
    }

    /// <summary>
    /// What is wrong with <paramref name="status"/>, <paramref name="mediaType"/> and <paramref name="body"/>
    /// as an answer of <paramref name="operation"/>; null when nothing is.
    /// </summary>
    public string? Check(Operation operation, int status, string? mediaType, string body)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var responses = operation.Node["responses"]?.AsObject();
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (responses?[key] is not JsonObject response)
        {
            return $"status {status} is not documented (documented: {string.Join(", ", responses?.Select(pair => pair.Key) ?? [])})";
        }
        var content = response["content"]?.AsObject();
        if (content is null || content.Count == 0)
        {
            return body.Length == 0 ? null : $"status {status} documents no body, but one came ({mediaType})";
        }
        if (body.Length == 0)
        {
            return $"status {status} documents a body ({string.Join(", ", content.Select(pair => pair.Key))}), but none came";
        }
        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            return $"status {status} came as {mediaType ?? "(no content type)"}, documented as {string.Join(", ", content.Select(pair => pair.Key))}";
        }
        if (!mediaType.EndsWith("json", StringComparison.Ordinal) || media["schema"] is not JsonNode schemaNode)
        {
            return null;
        }
        var schema = _schemas.GetOrAdd($"{operation.Method} {operation.Template} {key} {mediaType}", _ => Build(schemaNode));
        using var instance = JsonDocument.Parse(body);
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return null;
        }
        var errors = (result.Details ?? [])
            .Where(detail => !detail.IsValid)
            .Select(detail => $"{detail.InstanceLocation} ({detail.EvaluationPath}){(detail.Errors is { Count: > 0 } found ? ": " + string.Join(", ", found.Values) : string.Empty)}")
            .Take(12);
        return $"status {status} body does not match its schema: {string.Join("; ", errors)}\nbody: {Clip(body)}";
    }

    private JsonSchema Build(JsonNode schema)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = _defs.DeepClone(),
            ["allOf"] = new JsonArray(RefsToDefs(schema.DeepClone())),
        };
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        using var document = JsonDocument.Parse(root.ToJsonString());
        return JsonSchema.Build(document.RootElement.Clone(), options, new Uri($"https://mnemo.test/openapi/{Guid.NewGuid():N}"));
    }

    /// <summary><c>#/components/schemas/X</c> becomes <c>#/$defs/X</c>, at any depth.</summary>
    private static JsonNode RefsToDefs(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (name == "$ref" && value?.GetValue<string>() is { } target && target.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        obj["$ref"] = "#/$defs/" + target["#/components/schemas/".Length..];
                    }
                    else if (value is not null)
                    {
                        RefsToDefs(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        RefsToDefs(item);
                    }
                }
                break;
        }
        return node;
    }

    private static Regex TemplatePattern(string template)
    {
        var trimmed = template.Length > 1 ? template.TrimEnd('/') : template;
        var pattern = Regex.Replace(Regex.Escape(trimmed), @"\\\{[^/]*?}", "[^/]+");
        return new Regex($"^{pattern}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static int LiteralSegments(string template) =>
        template.Split('/', StringSplitOptions.RemoveEmptyEntries).Count(segment => !segment.StartsWith('{'));

    private static string Clip(string body) => body.Length <= 2000 ? body : body[..2000] + "…";

    /// <summary>One documented operation.</summary>
    public sealed record Operation(string Method, string Template, Regex Pattern, int LiteralSegments, JsonObject Node);
}
