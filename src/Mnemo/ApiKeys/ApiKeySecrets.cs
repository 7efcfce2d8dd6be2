using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mnemo.ApiKeys;

/// <summary>
/// Makes and checks API key secrets. A key reads <c>mk_&lt;12 hex&gt;_&lt;43 base64url&gt;</c>
/// (tenant) or <c>mkp_...</c> (platform). The part before the second underscore is the public
/// prefix used to find the stored hash; the whole key is compared by hash in constant time.
/// </summary>
public static class ApiKeySecrets
{
    /// <summary>Starts every tenant key.</summary>
    public const string TenantMarker = "mk";

    /// <summary>Starts every generated platform key.</summary>
    public const string PlatformMarker = "mkp";

    /// <summary>A new random key for <paramref name="marker"/>, and its public prefix.</summary>
    public static (string Key, string Prefix) Generate(string marker)
    {
        var prefix = $"{marker}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return ($"{prefix}_{secret}", prefix);
    }

    /// <summary>Splits a presented key into marker and prefix; false when it is not shaped like a Mnemo key.</summary>
    public static bool TryParse(string key, out string marker, out string prefix)
    {
        ArgumentNullException.ThrowIfNull(key);
        marker = prefix = string.Empty;
        var first = key.IndexOf('_', StringComparison.Ordinal);
        if (first <= 0)
        {
            return false;
        }
        var second = key.IndexOf('_', first + 1);
        if (second < 0 || second - first - 1 != 12 || key.Length - second - 1 < 32)
        {
            return false;
        }
        marker = key[..first];
        prefix = key[..second];
        return marker is TenantMarker or PlatformMarker;
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes.</summary>
    public static byte[] Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Compares a presented key with a stored hash in time that does not depend on where they differ.</summary>
    public static bool Matches(string key, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);
}
