namespace Mnemo.Memory;

/// <summary>Reads a user's context in as few round trips as the backend allows.</summary>
public interface IContextReader
{
    /// <summary>The context, or null when the user does not exist.</summary>
    Task<AssembledContext?> ReadAsync(string tenantId, string userId, ContextBudget budget, ProfileDefaults defaults, CancellationToken cancellationToken);
}
