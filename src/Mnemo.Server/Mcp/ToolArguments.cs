using System.Text.Json;
using Mnemo.Problems;
using Mnemo.Server.Problems;
using Mnemo.Validation;

namespace Mnemo.Server.Mcp;

/// <summary>
/// A call's arguments checked against its tool's input schema before the SDK binds them: the SDK
/// would drop an argument it does not know and answer a wrongly typed one with its own text and no
/// problem code. So the names (at every depth), the required ones, the JSON types and the formats
/// Mnemo's parameters use (<c>uuid</c>, <c>date-time</c>) are checked here, and refused as the REST
/// API refuses a body: 400 <c>unknown_fields</c> or <c>validation_failed</c>, every field named.
/// </summary>
internal static class ToolArguments
{
    /// <exception cref="ApiProblemException">Unknown arguments.</exception>
    /// <exception cref="RequestValidationException">Missing or wrongly typed arguments.</exception>
    public static void Check(JsonElement schema, IDictionary<string, JsonElement> arguments)
    {
        var unknown = new ValidationErrors();
        var invalid = new ValidationErrors();
        var properties = PropertiesOf(schema);
        foreach (var (name, value) in arguments)
        {
            if (properties.TryGetValue(name, out var property))
            {
                CheckValue(property, value, name, unknown, invalid);
            }
            else
            {
                unknown.Add(name, "is not an argument of this tool");
            }
        }
        if (!unknown.IsEmpty)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.UnknownFields, "Unknown fields",
                "The call names arguments that this tool does not take.", unknown.ToDictionary());
        }
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(name => name.GetString()!).Where(name => !arguments.ContainsKey(name)))
            {
                invalid.Add(name, "is required");
            }
        }
        if (!invalid.IsEmpty)
        {
            throw new RequestValidationException(invalid);
        }
    }

    private static void CheckValue(JsonElement schema, JsonElement value, string path, ValidationErrors unknown, ValidationErrors invalid)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return; // `true`: anything (a JsonElement parameter, or a type with a converter of its own)
        }
        if (TypesOf(schema) is { Count: > 0 } types && !types.Any(type => IsOfType(value, type)))
        {
            invalid.Add(path, $"must be {string.Join(" or ", types.Select(Described))}");
            return;
        }
        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("format", out var format) && !HasFormat(value, format.GetString()))
        {
            invalid.Add(path, format.GetString() == "uuid" ? "must be a UUID" : "must be an RFC 3339 date and time");
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckValue(items, item, $"{path}[{index++}]", unknown, invalid);
            }
        }
        else if (value.ValueKind == JsonValueKind.Object && PropertiesOf(schema) is { Count: > 0 } properties)
        {
            foreach (var member in value.EnumerateObject())
            {
                if (properties.TryGetValue(member.Name, out var property))
                {
                    CheckValue(property, member.Value, $"{path}.{member.Name}", unknown, invalid);
                }
                else
                {
                    unknown.Add($"{path}.{member.Name}", "is not a field of this argument");
                }
            }
        }
    }

    private static Dictionary<string, JsonElement> PropertiesOf(JsonElement schema) =>
        schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties.EnumerateObject().ToDictionary(property => property.Name, property => property.Value, StringComparer.Ordinal)
            : [];

    /// <summary>The JSON types a schema allows (<c>"type": "x"</c> or <c>["x", "null"]</c>); none when it does not say.</summary>
    private static List<string> TypesOf(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.String ? [type.GetString()!]
        : type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString()!)]
        : [];

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        // Every integer parameter of the tools is an int.
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static bool HasFormat(JsonElement value, string? format) => format switch
    {
        "uuid" => Guid.TryParse(value.GetString(), out _),
        "date-time" => value.TryGetDateTimeOffset(out _),
        _ => true,
    };

    private static string Described(string type) => type switch
    {
        "integer" => "an integer (32-bit)",
        "array" or "object" => $"an {type}",
        "null" => "null",
        _ => $"a {type}",
    };
}
