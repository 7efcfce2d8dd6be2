using System.Security.Cryptography;
using System.Text;
using Mnemo.Erasure;
using Mnemo.Events;
using Mnemo.Storage.Events;
using Mnemo.Storage.Users;
using Mnemo.Time;

namespace Mnemo.Storage.Erasure;

/// <summary>
/// Erasure in one transaction: every table that names the user, then a ledger row (counts and a
/// salted hash of the id, no content) and a <c>user_erased</c> event with counts only. The
/// ledger lets an operator prove an erasure and re-apply it after restoring a backup: for a
/// ledger row, hash each restored user id with the row's salt and compare.
/// </summary>
public sealed class UserEraser(MnemoDatabase database, TimeProvider timeProvider) : IUserEraser
{
    // Each entry: the name in the answer, and the statement that deletes the user's rows.
    // Later features add their tables here (and to the erasure test).
    private static readonly (string Name, string Sql)[] Deletions =
    [
        ("messages", "DELETE FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("conversations", "DELETE FROM conversations WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("events", "DELETE FROM events WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("users", "DELETE FROM users WHERE tenant_id = @tenant_id AND id = @user_id"),
    ];

    private const string LedgerSql = """
        INSERT INTO erasure_ledger (tenant_id, id, user_hash, salt, counts, erased_at)
        VALUES (@tenant_id, @id, @user_hash, @salt, @counts, @erased_at)
        """;

    private readonly SqlDialect _sql = database.Dialect;

    /// <summary>The ledger's hash of <paramref name="userId"/> with <paramref name="salt"/>.</summary>
    public static string HashUserId(string tenantId, string userId, string salt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{salt}|{tenantId}|{userId}")));

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, long>?> EraseAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (transaction, token) =>
        {
            var connection = transaction.Connection!;
            if (!await UserRows.ExistsAsync(_sql, connection, transaction, tenantId, userId, token))
            {
                return null;
            }
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, sql) in Deletions)
            {
                await using var command = _sql.Command(connection, sql, transaction).With("tenant_id", tenantId).With("user_id", userId);
                counts[name] = await command.ExecuteAsync(token);
            }
            var now = timeProvider.GetUtcNowMicroseconds();
            var countsJson = StoredJson.Counts(counts);
            var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            await using (var ledger = _sql.Command(connection, LedgerSql, transaction)
                .With("tenant_id", tenantId)
                .With("id", Guid.CreateVersion7(now))
                .With("user_hash", HashUserId(tenantId, userId, salt))
                .With("salt", salt)
                .WithJson("counts", countsJson)
                .With("erased_at", now))
            {
                await ledger.ExecuteAsync(token);
            }
            await EventRows.InsertAsync(_sql, transaction, tenantId, null, EventTypes.UserErased, $$"""{"deleted":{{countsJson}}}""", now, token);
            return (IReadOnlyDictionary<string, long>?)counts;
        }, cancellationToken);
}
