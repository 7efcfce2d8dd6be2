namespace Mnemo.Erasure;

/// <summary>GDPR art. 17: removes every row that names a user, in one transaction.</summary>
public interface IUserEraser
{
    /// <summary>Erases the user; the rows deleted per table, or null when the user does not exist.</summary>
    Task<IReadOnlyDictionary<string, long>?> EraseAsync(string tenantId, string userId, CancellationToken cancellationToken);
}

/// <summary>Answer of <c>DELETE /api/v1/users/{user_id}</c>.</summary>
public sealed record ErasureResponse
{
    /// <summary>Rows deleted per kind.</summary>
    public required IReadOnlyDictionary<string, long> Deleted { get; init; }
}
