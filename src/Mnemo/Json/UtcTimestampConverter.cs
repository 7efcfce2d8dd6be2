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
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // A history page writes a timestamp or two per message: "O" is the runtime's fast path and
        // gives yyyy-MM-ddTHH:mm:ss.fffffffZ for a UTC time; the seventh digit is dropped (truncated,
        // as "ffffff" would), into a stack buffer rather than a string.
        Span<byte> utf8 = stackalloc byte[28];
        if (!value.UtcDateTime.TryFormat(utf8, out var written, "O", CultureInfo.InvariantCulture) || written != utf8.Length)
        {
            throw new FormatException($"Could not format {value:O} as a four-digit-year UTC time.");
        }
        utf8[^2] = (byte)'Z';
        writer.WriteStringValue(utf8[..^1]);
    }
}
