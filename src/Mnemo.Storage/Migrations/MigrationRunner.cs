using System.Data.Common;
using Mnemo.Time;

namespace Mnemo.Storage.Migrations;

/// <summary>
/// Applies migrations in version order, each in its own transaction with its record in
/// <c>schema_migrations</c>, under the store-wide lock so that nodes starting together apply
/// each one once. Refuses to start when an applied migration's file has changed since.
/// </summary>
public sealed class MigrationRunner(MnemoDatabase database, TimeProvider timeProvider)
{
    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at text NOT NULL
        )
        """;

    private const string SelectApplied = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";

    private const string InsertApplied = """
        INSERT INTO schema_migrations (version, name, checksum, applied_at)
        VALUES (@version, @name, @checksum, @applied_at)
        """;

    /// <summary>Applies the backend's embedded migrations; the newest version in force.</summary>
    public Task<int> ApplyAsync(CancellationToken cancellationToken) =>
        ApplyAsync(EmbeddedMigrations.For(database.Dialect), cancellationToken);

    /// <summary>Applies <paramref name="migrations"/>; the newest version in force.</summary>
    public async Task<int> ApplyAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var newest = 0;
        await database.RunExclusiveAsync(async (connection, token) =>
        {
            await ExecuteAsync(connection, null, CreateHistoryTable, token);
            var applied = await ReadAppliedAsync(connection, token);
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var record))
                {
                    if (!string.Equals(record.Checksum, migration.Checksum, StringComparison.Ordinal))
                    {
                        throw new MigrationChecksumException(migration, record.Checksum);
                    }
                }
                else
                {
                    await ApplyOneAsync(connection, migration, token);
                }
                newest = Math.Max(newest, migration.Version);
            }
        }, cancellationToken);
        return newest;
    }

    /// <summary>The newest applied version, or 0 when the schema is empty.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        return Convert.ToInt32(await command.ScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ApplyOneAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
        await using (var record = database.Dialect.Command(connection, InsertApplied, transaction)
            .With("version", migration.Version)
            .With("name", migration.FileName)
            .With("checksum", migration.Checksum)
            .With("applied_at", timeProvider.GetUtcNowMicroseconds().ToString("O", System.Globalization.CultureInfo.InvariantCulture)))
        {
            await record.ExecuteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        StoreMetrics.MigrationApplied();
    }

    private async Task<Dictionary<int, (string Name, string Checksum)>> ReadAppliedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = database.Dialect.Command(connection, SelectApplied);
        var rows = await command.ListAsync(reader => (Version: reader.GetInt32(0), Name: reader.GetString(1), Checksum: reader.GetString(2)), cancellationToken);
        return rows.ToDictionary(row => row.Version, row => (row.Name, row.Checksum));
    }

    private async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = database.Dialect.Command(connection, sql, transaction);
        await command.ExecuteAsync(cancellationToken);
    }
}

/// <summary>An applied migration's file was edited: the schema may no longer match the code.</summary>
public sealed class MigrationChecksumException(Migration migration, string appliedChecksum)
    : Exception($"Migration {migration.FileName} was changed after it was applied (checksum {appliedChecksum} in schema_migrations, {migration.Checksum} now). Restore the original file and add a new migration instead.")
{
    /// <summary>The edited migration.</summary>
    public Migration Migration { get; } = migration;
}
