using System.Text.Json;

namespace Mnemo.Json;

/// <summary>Free-form JSON objects (metadata) as stored text and as <see cref="JsonElement"/>.</summary>
public static class JsonObjects
{
    /// <summary>An empty object.</summary>
    public static JsonElement Empty { get; } = Parse("{}");

    /// <summary>An empty array.</summary>
    public static JsonElement EmptyArray { get; } = Parse("[]");

    /// <summary>Parses stored JSON into an element that outlives its document.</summary>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The text to store for <paramref name="value"/>: <c>{}</c> when absent or null.</summary>
    public static string ToStored(JsonElement? value) =>
        value is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } element ? element.GetRawText() : "{}";
}
