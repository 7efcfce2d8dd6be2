using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Mnemo.Paging;

/// <summary>
/// Opaque page cursors: the last key of a page behind a version mark, base64url-encoded, so that
/// clients do not build them, the server may change what is inside, and a string that merely
/// happens to be base64 is refused rather than read as a key.
/// </summary>
public static class Cursor
{
    private const string Mark = "c1:";

    /// <summary>The cursor that resumes after <paramref name="lastKey"/>.</summary>
    public static string Encode(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Mark + lastKey));

    /// <summary>The cursor that resumes after a row ordered by (time, id).</summary>
    public static string EncodeTimeAndId(DateTimeOffset time, Guid id) =>
        Encode(string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks}.{id}"));

    /// <summary>Reads a cursor made by <see cref="EncodeTimeAndId"/>; false when it is not one.</summary>
    public static bool TryDecodeTimeAndId(string cursor, out DateTimeOffset time, out Guid id)
    {
        time = default;
        id = default;
        if (!TryDecode(cursor, out var text) || text is null)
        {
            return false;
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParse(text.AsSpan(dot + 1), out id))
        {
            return false;
        }
        time = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>Reads a cursor made by <see cref="Encode"/>; false when it is not one.</summary>
    public static bool TryDecode(string? cursor, out string? lastKey)
    {
        lastKey = null;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }
        if (cursor.Length > 1024 || !Base64Url.IsValid(cursor))
        {
            return false;
        }
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
            if (!text.StartsWith(Mark, StringComparison.Ordinal) || !Validation.StorableText.IsStorable(text))
            {
                return false;
            }
            lastKey = text[Mark.Length..];
            return true;
        }
        catch (Exception exception) when (exception is FormatException or DecoderFallbackException)
        {
            return false;
        }
    }
}
