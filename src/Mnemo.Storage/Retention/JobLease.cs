namespace Mnemo.Storage.Retention;

/// <summary>
/// A lease row in <c>job_leases</c>: a node holds the named job until the lease runs out or it
/// lets go. Each step is its own short transaction, so it works behind PgBouncer in transaction
/// mode (where session advisory locks do not), and a node that dies mid-job blocks the next one
/// only until its lease expires.
/// </summary>
public sealed class JobLease(MnemoDatabase database, TimeProvider timeProvider, string name, TimeSpan duration)
{
    private const string EnsureSql = "INSERT INTO job_leases (name, holder, expires_at) VALUES (@name, NULL, @now) ON CONFLICT (name) DO NOTHING";

    private const string TakeSql = """
        UPDATE job_leases SET holder = @holder, expires_at = @until
        WHERE name = @name AND (holder IS NULL OR holder = @holder OR expires_at <= @now)
        """;

    private const string ReleaseSql = "UPDATE job_leases SET holder = NULL, expires_at = @now WHERE name = @name AND holder = @holder";

    /// <summary>Takes or renews the lease for <paramref name="holder"/>; false when another holder has it.</summary>
    public Task<bool> TryTakeAsync(string holder, CancellationToken cancellationToken) =>
        database.WriteAsync(async (session, token) =>
        {
            var now = timeProvider.GetUtcNow();
            await using (var ensure = session.Command(EnsureSql).With("name", name).With("now", now))
            {
                await ensure.ExecuteAsync(token);
            }
            await using var take = session.Command(TakeSql)
                .With("name", name).With("holder", holder).With("now", now).With("until", now + duration);
            return await take.ExecuteAsync(token) == 1;
        }, cancellationToken);

    /// <summary>Lets go of the lease, if <paramref name="holder"/> has it.</summary>
    public Task ReleaseAsync(string holder, CancellationToken cancellationToken) =>
        database.WriteAsync(async (session, token) =>
        {
            await using var release = session.Command(ReleaseSql)
                .With("name", name).With("holder", holder).With("now", timeProvider.GetUtcNow());
            return await release.ExecuteAsync(token);
        }, cancellationToken);
}
