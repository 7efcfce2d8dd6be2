using System.Security.Cryptography;
using System.Text;

namespace Mnemo.Users;

/// <summary>
/// Derived user ids: <c>usr_</c> + 16 lowercase hex of SHA-256(tenant, provider, external id).
/// 64 bits make a collision unlikely below billions of users (seed 004's 32 bits collide
/// after about 77,000); the store still checks, and refuses to merge, when one happens.
/// </summary>
public static class UserIds
{
    /// <summary>The id for <paramref name="externalId"/> at <paramref name="provider"/> in <paramref name="tenantId"/>.</summary>
    public static string Derive(string tenantId, string provider, string externalId)
    {
        // Length-prefixed parts, so ("ab","c") and ("a","bc") never hash alike.
        var input = $"{tenantId.Length}:{tenantId}|{provider.Length}:{provider}|{externalId.Length}:{externalId}";
        return "usr_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(input)), 0, 8);
    }
}
