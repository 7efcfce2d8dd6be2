using System.Buffers.Text;
using System.Text;

namespace Mnemo.Paging;

/// <summary>
/// The encoding of message positions (<see cref="Messages.MessageCursor"/>): a key behind a version
/// mark, base64url-encoded, so that a string that merely happens to be base64 is refused rather
/// than read as a key. The server's own list cursors are sealed to their list instead (Mnemo.Server's CursorCodec).
/// </summary>
public static class Cursor
{
    private const string Mark = "c1:";

    /// <summary>The cursor that resumes after <paramref name="lastKey"/>.</summary>
    public static string Encode(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Mark + lastKey));

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
