using Mnemo.Events;
using Mnemo.Storage.Events;
using Mnemo.Users;

namespace Mnemo.Storage.Users;

/// <summary>Users on either backend.</summary>
public sealed class UserStore(MnemoDatabase database) : IUserStore
{
    private const string SelectOneSql = $"SELECT {UserRows.Columns} FROM users WHERE tenant_id = @tenant_id AND id = @id";

    private const string SelectPageSql = $"""
        SELECT {UserRows.Columns} FROM users
        WHERE tenant_id = @tenant_id AND id > @after_id
        ORDER BY id
        LIMIT @limit
        """;

    private const string ProfileSql = $"""
        SELECT {UserRows.Columns},
               (SELECT COUNT(*) FROM conversations c WHERE c.tenant_id = u.tenant_id AND c.user_id = u.id),
               (SELECT MIN(started_at) FROM conversations c WHERE c.tenant_id = u.tenant_id AND c.user_id = u.id),
               (SELECT MAX(started_at) FROM conversations c WHERE c.tenant_id = u.tenant_id AND c.user_id = u.id)
        FROM users u
        WHERE u.tenant_id = @tenant_id AND u.id = @id
        """;

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<bool> CreateAsync(string tenantId, User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.InsertIfMissingAsync(session, user, token))
            {
                return false;
            }
            await EventRows.InsertAsync(session, user.Id, EventTypes.UserCreated, "{}", user.CreatedAt, token);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ResolvedUser> ResolveAsync(string tenantId, ExternalIdentity identity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var candidate = UserRows.Bare(UserIds.Derive(tenantId, identity.Provider, identity.ExternalId), now) with
        {
            Email = identity.Email,
            Name = identity.Name,
            ExternalProvider = identity.Provider,
            ExternalId = identity.ExternalId,
        };
        // INSERT ... ON CONFLICT DO NOTHING makes concurrent resolves of one identity create one
        // user; whoever loses reads the winner's row and checks that it is the same identity.
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (await UserRows.InsertIfMissingAsync(session, candidate, token))
            {
                var data = $$"""{"provider":{{System.Text.Json.JsonSerializer.Serialize(identity.Provider, Json.MnemoJsonContext.Default.String)}}}""";
                await EventRows.InsertAsync(session, candidate.Id, EventTypes.UserCreated, data, now, token);
                return new ResolvedUser(candidate, IsNew: true);
            }
            await using var command = session.Command(SelectOneSql).With("id", candidate.Id);
            var existing = await command.SingleOrDefaultAsync(reader => UserRows.Read(_sql, reader), token);
            if (existing is null || existing.ExternalProvider != identity.Provider || existing.ExternalId != identity.ExternalId)
            {
                throw new UserIdCollisionException(candidate.Id);
            }
            return new ResolvedUser(existing, IsNew: false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<User?> GetAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectOneSql).With("id", userId);
        return await command.SingleOrDefaultAsync(reader => UserRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<User>> ListAsync(string tenantId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectPageSql).With("after_id", afterId ?? string.Empty).With("limit", limit);
        return await command.ListAsync(reader => UserRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public Task<User?> UpdateAsync(string tenantId, string userId, UserUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        const string sql = $"""
            UPDATE users SET
                email = COALESCE(@email, email),
                name = COALESCE(@name, name),
                metadata = COALESCE(@metadata, metadata)
            WHERE tenant_id = @tenant_id AND id = @id
            RETURNING {UserRows.Columns}
            """;
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(sql)
                .With("id", userId)
                .With("email", update.Email)
                .With("name", update.Name)
                .WithJson("metadata", update.MetadataJson);
            return await command.SingleOrDefaultAsync(reader => UserRows.Read(_sql, reader), token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<UserProfile?> GetProfileAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(ProfileSql).With("id", userId);
        return await command.SingleOrDefaultAsync(reader =>
        {
            var user = UserRows.Read(_sql, reader);
            return new UserProfile
            {
                UserId = user.Id,
                Email = user.Email,
                Name = user.Name,
                CreatedAt = user.CreatedAt,
                LastSeen = user.LastSeen,
                Stats = new UserStats
                {
                    TotalConversations = reader.GetInt64(8),
                    FirstConversation = _sql.GetNullableTimestamp(reader, 9),
                    LastConversation = _sql.GetNullableTimestamp(reader, 10),
                },
            };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task RecordActivityAsync(IReadOnlyCollection<UserActivity> activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Count == 0)
        {
            return;
        }
        // One transaction per database the tenants live in; a tenant moving (or gone) meanwhile
        // loses these last-seen times, which the next requests will bring again.
        await database.WriteForTenantsAsync([.. activity.Select(seen => seen.TenantId).Distinct(StringComparer.Ordinal)], (session, admitted, token) =>
            LaterTimes.WriteAsync(session, "users", "last_seen",
                activity.Where(seen => admitted.Contains(seen.TenantId)).Select(seen => new LaterTimes.Touch(seen.TenantId, seen.UserId, seen.SeenAt)), token),
            cancellationToken);
    }
}
