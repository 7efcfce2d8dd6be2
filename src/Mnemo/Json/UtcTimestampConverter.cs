using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mnemo.Json;

/// <summary>
/// Writes timestamps as RFC 3339 UTC with microseconds (<c>2026-01-02T03:04:05.123456Z</c>);
/// reads any RFC 3339 offset and converts it to UTC.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // Formatted into a stack buffer: a history page writes two timestamps per message.
        Span<byte> utf8 = stackalloc byte[32];
        if (!value.UtcDateTime.TryFormat(utf8, out var written, Format, CultureInfo.InvariantCulture))
        {
            throw new FormatException($"Could not format {value:O}.");
        }
        writer.WriteStringValue(utf8[..written]);
    }
}
