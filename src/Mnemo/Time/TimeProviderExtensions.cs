namespace Mnemo.Time;

/// <summary>Time helpers shared by every store and service.</summary>
public static class TimeProviderExtensions
{
    /// <summary>
    /// The current UTC time truncated to whole microseconds: PostgreSQL keeps microseconds
    /// and SQLite stores them as an integer, so a value written and read back compares equal.
    /// </summary>
    public static DateTimeOffset GetUtcNowMicroseconds(this TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return TruncateToMicroseconds(timeProvider.GetUtcNow());
    }

    /// <summary>Drops the sub-microsecond ticks of <paramref name="value"/> and makes it UTC.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }
}
