using System.Security.Cryptography;
using System.Text;

namespace Mnemo.Storage.Migrations;

/// <summary>One numbered schema change: <c>0001_tenants.sql</c> is version 1.</summary>
public sealed record Migration(int Version, string FileName, string Sql)
{
    /// <summary>
    /// SHA-256 of the script with line endings normalised, so a checkout with CRLF endings
    /// does not look like an edit.
    /// </summary>
    /// <remarks>Computed from <see cref="Sql"/> on each read, so a copy made with <c>with</c> never carries a stale checksum.</remarks>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}
