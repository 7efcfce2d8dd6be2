using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Mnemo.Testing;

/// <summary>JSON comparisons that ignore formatting and member order (PostgreSQL's jsonb keeps neither).</summary>
public static class JsonAssert
{
    /// <summary>Asserts that <paramref name="actual"/> is the same JSON value as <paramref name="expected"/>.</summary>
    public static void Equivalent(string expected, JsonElement actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual.GetRawText())), $"expected {expected}, got {actual.GetRawText()}");
}
