using System.Security.Cryptography;
using Mnemo.Server.Hosting;

namespace Mnemo.Server.OAuth;

/// <summary>
/// AES-GCM for secrets at rest (OAuth client secrets, shop access tokens), keyed by
/// <c>Mnemo:EncryptionKey</c> (32 bytes, base64). Layout: 12-byte nonce, 16-byte tag, ciphertext.
/// </summary>
public sealed class SecretBox(ServerSettings settings)
{
    private const int NonceSize = 12, TagSize = 16;

    /// <summary>True when a key is configured.</summary>
    public bool IsConfigured => settings.EncryptionKey is not null;

    /// <summary>Encrypts <paramref name="plaintext"/>.</summary>
    public byte[] Seal(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var data = System.Text.Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + TagSize + data.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key(), TagSize);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return sealedBytes;
    }

    /// <summary>Decrypts what <see cref="Seal"/> made; throws <see cref="CryptographicException"/> when it was altered.</summary>
    public string Open(byte[] sealedBytes)
    {
        ArgumentNullException.ThrowIfNull(sealedBytes);
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(Key(), TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext);
        return System.Text.Encoding.UTF8.GetString(plaintext);
    }

    private byte[] Key() => settings.EncryptionKey ?? throw new InvalidOperationException("Mnemo:EncryptionKey is not configured.");
}
