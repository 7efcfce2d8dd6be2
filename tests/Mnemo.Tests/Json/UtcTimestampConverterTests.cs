using System.Text.Json;
using Mnemo.Json;

namespace Mnemo.Tests.Json;

public sealed class UtcTimestampConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new UtcTimestampConverter() } };

    [Theory]
    [InlineData(2026, 1, 2, 3, 4, 5, 1_234_567, 0, "2026-01-02T03:04:05.123456Z")]
    [InlineData(2026, 7, 1, 13, 0, 0, 0, 1, "2026-07-01T12:00:00.000000Z")]
    [InlineData(1, 1, 1, 0, 0, 0, 0, 0, "0001-01-01T00:00:00.000000Z")]
    [InlineData(9999, 12, 31, 23, 59, 59, 9_999_999, 0, "9999-12-31T23:59:59.999999Z")]
    public void Writes_UTC_with_microseconds_truncated_and_a_Z(int year, int month, int day, int hour, int minute, int second, int ticks, int offsetHours, string expected)
    {
        var value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromHours(offsetHours)).AddTicks(ticks);

        Assert.Equal($"\"{expected}\"", JsonSerializer.Serialize(value, Options));
    }

    [Fact]
    public void Reads_any_offset_as_the_same_instant_in_UTC()
    {
        var read = JsonSerializer.Deserialize<DateTimeOffset>("\"2026-07-01T13:00:00.5+01:00\"", Options);

        Assert.Equal((new DateTimeOffset(2026, 7, 1, 12, 0, 0, 500, TimeSpan.Zero), TimeSpan.Zero), (read, read.Offset));
    }
}
