using System.Globalization;
using Mnemo.Paging;

namespace Mnemo.Messages;

/// <summary>Opaque cursors over a user's history: a message's (created_at, seq) position.</summary>
public static class MessageCursor
{
    /// <summary>The cursor for <paramref name="message"/>.</summary>
    public static string For(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var micros = (message.CreatedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        return Cursor.Encode(string.Create(CultureInfo.InvariantCulture, $"m{micros}.{message.Seq}"));
    }

    /// <summary>Reads a cursor made by <see cref="For"/>; false when it is not one.</summary>
    public static bool TryParse(string cursor, out MessagePosition position)
    {
        position = default;
        if (!Cursor.TryDecode(cursor, out var text) || text is null || !text.StartsWith('m'))
        {
            return false;
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0
            || !long.TryParse(text.AsSpan(1, dot - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var micros)
            || !long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || micros < 0 || micros > 253_402_300_799_000_000)
        {
            return false;
        }
        position = new MessagePosition(DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond), seq);
        return true;
    }
}
