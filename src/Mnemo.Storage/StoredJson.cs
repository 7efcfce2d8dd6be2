using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mnemo.Json;
using Mnemo.Tenants;

namespace Mnemo.Storage;

/// <summary>
/// How JSON columns are written: the wire's snake_case, but without null members, so a
/// stored settings object holds only what was set explicitly.
/// </summary>
internal static class StoredJson
{
    private static readonly MnemoJsonContext Context = new(new JsonSerializerOptions(MnemoJsonContext.Default.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public static JsonTypeInfo<TenantSettings> TenantSettings => Context.TenantSettings;

    public static string Tags(IReadOnlyList<string> tags) => JsonSerializer.Serialize(tags, Context.IReadOnlyListString);

    public static IReadOnlyList<string> ReadTags(string json) =>
        json == "[]" ? [] : JsonSerializer.Deserialize(json, Context.IReadOnlyListString) ?? [];

    public static IReadOnlyDictionary<string, long> ReadCounts(string json) =>
        JsonSerializer.Deserialize(json, Context.IReadOnlyDictionaryStringInt64) ?? new Dictionary<string, long>();

    public static string Counts(IReadOnlyDictionary<string, long> counts) => JsonSerializer.Serialize(counts, Context.IReadOnlyDictionaryStringInt64);

    public static string FactorValues(IReadOnlyDictionary<string, double> values) => JsonSerializer.Serialize(values, Context.IReadOnlyDictionaryStringDouble);

    public static IReadOnlyDictionary<string, double> ReadFactorValues(string json) =>
        JsonSerializer.Deserialize(json, Context.IReadOnlyDictionaryStringDouble) ?? new Dictionary<string, double>();
}
