using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mnemo.Validation;

namespace Mnemo.Json;

/// <summary>
/// Finds the members of a JSON document that its target type does not declare, at any depth,
/// so that a request naming a field Mnemo does not know is refused (no mass assignment) and the
/// answer names every such field, not just the first one the deserializer trips over.
/// </summary>
public static class StrictJson
{
    /// <summary>Adds an "unknown field" error for every member of <paramref name="element"/> that <paramref name="typeInfo"/> lacks.</summary>
    public static void CollectUnknownMembers(JsonElement element, JsonTypeInfo typeInfo, string path, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(errors);
        switch (typeInfo.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    var memberPath = Join(path, member.Name);
                    var property = FindProperty(typeInfo, member.Name);
                    if (property is null)
                    {
                        errors.Add(memberPath, "is not a known field");
                        continue;
                    }
                    CollectUnknownMembers(member.Value, typeInfo.Options.GetTypeInfo(property.PropertyType), memberPath, errors);
                }
                break;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && typeInfo.ElementType is { } elementType:
                var elementInfo = typeInfo.Options.GetTypeInfo(elementType);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CollectUnknownMembers(item, elementInfo, $"{path}[{index}]", errors);
                    index++;
                }
                break;
            default:
                // Scalars, dictionaries and free-form JSON (metadata) take any member.
                break;
        }
    }

    /// <summary>Turns a System.Text.Json path such as <c>$.settings.x</c> into a field path.</summary>
    public static string FieldPath(string prefix, string? jsonPath)
    {
        var relative = string.IsNullOrEmpty(jsonPath) ? string.Empty : jsonPath.TrimStart('$').TrimStart('.');
        return relative.Length == 0 ? (prefix.Length == 0 ? "body" : prefix) : Join(prefix, relative);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo typeInfo, string name)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (string.Equals(property.Name, name, StringComparison.Ordinal))
            {
                return property;
            }
        }
        return null;
    }
}
