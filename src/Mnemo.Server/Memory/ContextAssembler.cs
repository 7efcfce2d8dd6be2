using Mnemo.Memory;
using Mnemo.Server.Tenants;
using Mnemo.Validation;

namespace Mnemo.Server.Memory;

/// <summary>
/// What an assistant prompts with on every turn — profile, memory summary, insights and the most
/// recent messages within a message and character budget — for every caller (the context
/// endpoint, and later the MCP tools and agent integrations). Null: the tenant has no such user.
/// </summary>
public sealed class ContextAssembler(IContextReader contexts, TenantSettingsCache tenantSettings)
{
    /// <summary>Messages in a context when the caller names no budget, and at most.</summary>
    public const int DefaultMaxMessages = 20, MaxMessages = 200;

    /// <summary>Characters of messages in a context when the caller names no budget, and at most.</summary>
    public const int DefaultMaxChars = 8_000, MaxChars = 1_000_000;

    private const int InsightsInContext = 20;

    /// <summary>The user's context within the budget; 400 (<see cref="RequestValidationException"/>) for a budget out of range.</summary>
    public async Task<AssembledContext?> ReadAsync(string tenantId, string userId, int? maxMessages, int? maxChars, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (maxMessages is < 0 or > MaxMessages)
        {
            errors.Add("max_messages", $"must be between 0 and {MaxMessages}");
        }
        if (maxChars is < 0 or > MaxChars)
        {
            errors.Add("max_chars", $"must be between 0 and {MaxChars}");
        }
        if (!errors.IsEmpty)
        {
            throw new RequestValidationException(errors);
        }
        var budget = new ContextBudget(maxMessages ?? DefaultMaxMessages, maxChars ?? DefaultMaxChars, InsightsInContext);
        return await contexts.ReadAsync(tenantId, userId, budget, await tenantSettings.ProfileDefaultsAsync(tenantId, cancellationToken), cancellationToken);
    }
}
