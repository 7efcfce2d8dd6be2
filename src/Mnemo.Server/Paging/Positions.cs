using System.Globalization;

namespace Mnemo.Server.Paging;

/// <summary>The positions inside cursors of lists ordered by something other than an id.</summary>
public static class Positions
{
    /// <summary>The position of a row ordered by (time, id).</summary>
    public static string TimeAndId(DateTimeOffset time, Guid id) => string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks}.{id}");

    /// <summary>Reads a position made by <see cref="TimeAndId"/>; false when it is not one.</summary>
    public static bool TryTimeAndId(string position, out DateTimeOffset time, out Guid id)
    {
        ArgumentNullException.ThrowIfNull(position);
        time = default;
        id = default;
        var dot = position.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(position.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParse(position.AsSpan(dot + 1), out id))
        {
            return false;
        }
        time = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>The position of a list read by offset (a ranking, which has no stable key).</summary>
    public static string Offset(int offset) => offset.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a position made by <see cref="Offset"/>; false when it is not one.</summary>
    public static bool TryOffset(string position, out int offset) =>
        int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out offset) && offset <= MaxOffset;

    /// <summary>The deepest offset a cursor may carry (far beyond any list's real depth; keeps sums from overflowing).</summary>
    public const int MaxOffset = 100_000_000;
}
