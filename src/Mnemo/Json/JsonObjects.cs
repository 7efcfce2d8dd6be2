using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mnemo.Json;

/// <summary>Free-form JSON objects (metadata) as stored text and as <see cref="JsonElement"/>.</summary>
public static class JsonObjects
{
    /// <summary>An empty object.</summary>
    public static JsonElement Empty { get; } = ParseDocument("{}");

    /// <summary>An empty array.</summary>
    public static JsonElement EmptyArray { get; } = ParseDocument("[]");

    /// <summary>
    /// Parses stored JSON into an element that outlives its document. Most stored metadata is
    /// <c>{}</c>: that one is shared rather than parsed again for every row read.
    /// </summary>
    public static JsonElement Parse(string json) => json switch
    {
        "{}" => Empty,
        "[]" => EmptyArray,
        _ => ParseDocument(json),
    };

    private static JsonElement ParseDocument(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// <paramref name="patch"/> merged into <paramref name="current"/> one top-level member at a
    /// time: a member replaces the current one whole, and a <c>null</c> member removes it.
    /// </summary>
    public static string MergeTopLevel(string current, string patch)
    {
        var merged = JsonNode.Parse(current) as JsonObject ?? [];
        if (JsonNode.Parse(patch) is not JsonObject changes)
        {
            throw new ArgumentException("The patch must be a JSON object.", nameof(patch));
        }
        foreach (var (name, value) in changes.ToList())
        {
            changes.Remove(name);
            if (value is null)
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value;
            }
        }
        return merged.ToJsonString();
    }

    /// <summary>The text to store for <paramref name="value"/>: <c>{}</c> when absent or null.</summary>
    public static string ToStored(JsonElement? value) =>
        value is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } element ? element.GetRawText() : "{}";
}
