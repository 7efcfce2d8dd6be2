using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mnemo.Validation;

namespace Mnemo.Server.Paging;

/// <summary>
/// The one cursor format of the cursor-paged lists: a version byte, a MAC and the position (the
/// last item's key), base64url-encoded. The MAC (HMAC-SHA256, 96 bits) covers the version, the
/// list's <see cref="PageScope"/> and the position, so a cursor that was edited, or that comes
/// from another list, user or tenant, does not decode. The key comes from the deployment's
/// encryption key when one is configured (nodes sharing it accept each other's cursors, across
/// restarts); without one it is random for the process, so cursors last as long as the process
/// does and are not made by anyone else. A position is never a secret: every query is confined to
/// the caller's tenant and user whatever the cursor says.
/// </summary>
public sealed class CursorCodec
{
    private const byte Version = 2;
    private const int MacLength = 12;
    private const int MaxCursorLength = 1024;
    private readonly byte[] _key;

    /// <summary>A codec keyed by <paramref name="secret"/> (the encryption key), or by a random key for this process when null.</summary>
    public CursorCodec(byte[]? secret)
    {
        _key = SHA256.HashData([.. "mnemo cursor"u8, .. secret ?? RandomNumberGenerator.GetBytes(32)]);
    }

    /// <summary>The cursor that resumes <paramref name="scope"/> after <paramref name="position"/>.</summary>
    public string Encode(PageScope scope, string position)
    {
        ArgumentNullException.ThrowIfNull(position);
        var positionBytes = Encoding.UTF8.GetBytes(position);
        var bytes = new byte[1 + MacLength + positionBytes.Length];
        bytes[0] = Version;
        Mac(scope, positionBytes).AsSpan(0, MacLength).CopyTo(bytes.AsSpan(1));
        positionBytes.CopyTo(bytes.AsSpan(1 + MacLength));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The position in <paramref name="cursor"/>; false when it is not a cursor this server issued for <paramref name="scope"/>.</summary>
    public bool TryDecode(PageScope scope, string cursor, out string position)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        position = string.Empty;
        if (cursor.Length > MaxCursorLength || !Base64Url.IsValid(cursor))
        {
            return false;
        }
        var bytes = Base64Url.DecodeFromChars(cursor);
        if (bytes.Length < 1 + MacLength || bytes[0] != Version)
        {
            return false;
        }
        var positionBytes = bytes.AsSpan(1 + MacLength).ToArray();
        if (!CryptographicOperations.FixedTimeEquals(bytes.AsSpan(1, MacLength), Mac(scope, positionBytes).AsSpan(0, MacLength)))
        {
            return false;
        }
        try
        {
            position = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(positionBytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        return StorableText.IsStorable(position);
    }

    private byte[] Mac(PageScope scope, byte[] position)
    {
        // Lengths first, so no two different scopes and positions run together into the same bytes.
        var list = Encoding.UTF8.GetBytes(scope.List);
        var tenant = Encoding.UTF8.GetBytes(scope.TenantId);
        var user = Encoding.UTF8.GetBytes(scope.UserId ?? string.Empty);
        var input = new List<byte>(16 + list.Length + tenant.Length + user.Length + position.Length) { Version };
        foreach (var part in new[] { list, tenant, user, position })
        {
            input.AddRange(BitConverter.GetBytes(part.Length));
            input.AddRange(part);
        }
        return HMACSHA256.HashData(_key, input.ToArray());
    }
}
