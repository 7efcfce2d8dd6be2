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
        // After the messages: their vectors' cascade moves this version row, which names the user.
        ("vector_versions", "DELETE FROM vector_versions WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("conversations", "DELETE FROM conversations WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("events", "DELETE FROM events WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("profiles", "DELETE FROM profiles WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("insights", "DELETE FROM insights WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("tasks", "DELETE FROM tasks WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("oauth_merchants", "DELETE FROM oauth_merchants WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("campaign_participants", "DELETE FROM campaign_participants WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        // The user's own assignments and their extensions', before the extensions go.
        ("entity_assignments", """
            DELETE FROM entity_assignments WHERE tenant_id = @tenant_id AND ((entity_type = 'user' AND entity_id = @user_id)
                OR (entity_type = 'extension' AND entity_id IN (SELECT id FROM extensions WHERE tenant_id = @tenant_id AND user_id = @user_id)))
            """),
        ("extension_metrics", "DELETE FROM extension_metrics WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("extension_factors", "DELETE FROM extension_factors WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("extensions", "DELETE FROM extensions WHERE tenant_id = @tenant_id AND user_id = @user_id"),
        ("users", "DELETE FROM users WHERE tenant_id = @tenant_id AND id = @user_id"),
    ];

    private const string LedgerSql = """
        INSERT INTO erasure_ledger (tenant_id, id, user_hash, salt, counts, erased_at)
        VALUES (@tenant_id, @id, @user_hash, @salt, @counts, @erased_at)
        """;

    private const string LedgerColumns = "id, user_hash, salt, counts, erased_at";

    private const string AllLedgerSql = "SELECT user_hash, salt FROM erasure_ledger WHERE tenant_id = @tenant_id";

    private const string UserIdsSql = "SELECT id FROM users WHERE tenant_id = @tenant_id AND id > @after_id ORDER BY id LIMIT 1000";

    private readonly SqlDialect _sql = database.Dialect;

    /// <summary>The ledger's hash of <paramref name="userId"/> with <paramref name="salt"/>.</summary>
    public static string HashUserId(string tenantId, string userId, string salt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{salt}|{tenantId}|{userId}")));

    /// <summary>
    /// User sessions live in the catalog (they are found by token before the tenant is known),
    /// which may be another database than the tenant's: they go first, on their own, so that an
    /// erasure cut short leaves the user signed out, never signed in without a history.
    /// </summary>
    private const string SessionsSql = "DELETE FROM user_sessions WHERE tenant_id = @tenant_id AND user_id = @user_id";

    /// <inheritdoc />
    /// <remarks>
    /// The sessions are deleted again once the user is gone: a sign-in racing the erasure then
    /// either finds no user or loses its session (see the server's <c>SignIn</c>).
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, long>?> EraseAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var sessions = await DeleteSessionsAsync(tenantId, userId, cancellationToken);
        var counts = await EraseDataAsync(tenantId, userId, sessions, cancellationToken);
        if (counts is not null)
        {
            await DeleteSessionsAsync(tenantId, userId, CancellationToken.None);
        }
        return counts;
    }

    private Task<int> DeleteSessionsAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        database.Catalog.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(SessionsSql).With("user_id", userId);
            return await command.ExecuteAsync(token);
        }, cancellationToken);

    private Task<IReadOnlyDictionary<string, long>?> EraseDataAsync(string tenantId, string userId, int sessions, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, userId, token))
            {
                return null;
            }
            var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["sessions"] = sessions };
            foreach (var (name, sql) in Deletions)
            {
                await using var command = session.Command(sql).With("user_id", userId);
                counts[name] = await command.ExecuteAsync(token);
            }
            var now = timeProvider.GetUtcNowMicroseconds();
            var countsJson = StoredJson.Counts(counts);
            var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            await using (var ledger = session.Command(LedgerSql)
                .With("id", Guid.CreateVersion7(now))
                .With("user_hash", HashUserId(tenantId, userId, salt))
                .With("salt", salt)
                .WithJson("counts", countsJson)
                .With("erased_at", now))
            {
                await ledger.ExecuteAsync(token);
            }
            await EventRows.InsertAsync(session, null, EventTypes.UserErased, $$"""{"deleted":{{countsJson}}}""", now, token);
            return (IReadOnlyDictionary<string, long>?)counts;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ErasureRecord>> ListLedgerAsync(string tenantId, int limit, ErasurePosition? before, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {LedgerColumns} FROM erasure_ledger
            WHERE tenant_id = @tenant_id
            {(before is null ? "" : "AND (erased_at < @before_at OR (erased_at = @before_at AND id < @before_id))")}
            ORDER BY erased_at DESC, id DESC
            LIMIT @limit
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("limit", limit);
        if (before is { } position)
        {
            command.With("before_at", position.ErasedAt).With("before_id", position.Id);
        }
        return await command.ListAsync(reader => new ErasureRecord
        {
            Id = _sql.GetGuid(reader, 0),
            UserHash = reader.GetString(1),
            Salt = reader.GetString(2),
            Counts = StoredJson.ReadCounts(_sql.GetJson(reader, 3)),
            ErasedAt = _sql.GetTimestamp(reader, 4),
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ReapplyAsync(string tenantId, CancellationToken cancellationToken)
    {
        var matches = new List<string>();
        await using (var session = await database.ReadAsync(tenantId, cancellationToken))
        {
            await using var ledgerCommand = session.Command(AllLedgerSql);
            var ledger = await ledgerCommand.ListAsync(reader => (Hash: reader.GetString(0), Salt: reader.GetString(1)), cancellationToken);
            if (ledger.Count == 0)
            {
                return matches;
            }
            var hashes = ledger.Select(row => row.Hash).ToHashSet(StringComparer.Ordinal);
            var salts = ledger.Select(row => row.Salt).Distinct(StringComparer.Ordinal).ToList();
            var afterId = string.Empty;
            while (true)
            {
                await using var usersCommand = session.Command(UserIdsSql).With("after_id", afterId);
                var ids = await usersCommand.ListAsync(reader => reader.GetString(0), cancellationToken);
                matches.AddRange(ids.Where(id => salts.Any(salt => hashes.Contains(HashUserId(tenantId, id, salt)))));
                if (ids.Count < 1000)
                {
                    break;
                }
                afterId = ids[^1];
            }
        }
        foreach (var userId in matches)
        {
            await EraseAsync(tenantId, userId, cancellationToken);
        }
        return matches;
    }
}
