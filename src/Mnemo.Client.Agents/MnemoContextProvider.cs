using Microsoft.Agents.AI;

namespace Mnemo.Client.Agents;

/// <summary>
/// Mnemo as an agent's long-term memory (Microsoft Agent Framework): before each model call it
/// gives the model the user's profile, summary, insights and the messages of earlier turns that
/// best answer the latest user message (the context call with <c>query</c>), as instructions for
/// that call only; after the call it stores the turn — the caller's new messages and the answer.
/// </summary>
/// <example>
/// <code>
/// var agent = chatClient.AsAIAgent(new ChatClientAgentOptions
/// {
///     AIContextProviders = [new MnemoContextProvider(mnemo, _ => new MnemoMemoryScope("user-42"))],
/// });
/// </code>
/// </example>
public sealed class MnemoContextProvider : AIContextProvider
{
    private readonly MnemoMemory _memory;
    private readonly ProviderSessionState<MnemoMemoryScope> _scope;

    /// <summary>
    /// A provider reading and writing through <paramref name="client"/> (a tenant key, or a user's
    /// token) for the user that <paramref name="scopeOf"/> names for each new session.
    /// </summary>
    public MnemoContextProvider(MnemoClient client, Func<AgentSession?, MnemoMemoryScope> scopeOf, MnemoMemoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scopeOf);
        _memory = new MnemoMemory(client, (options ?? new MnemoMemoryOptions()).Checked());
        _scope = new ProviderSessionState<MnemoMemoryScope>(scopeOf, nameof(MnemoContextProvider), AgentStateJsonContext.Default.Options);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKeys => [_scope.StateKey];

    /// <summary>The user and conversation a session's memory belongs to.</summary>
    public MnemoMemoryScope ScopeOf(AgentSession? session) => _scope.GetOrInitializeState(session);

    /// <inheritdoc />
    protected override async ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var prompt = (context.AIContext.Messages ?? []).ToList();
        var memory = await _memory.RecallAsync(ScopeOf(context.Session).UserId, prompt, cancellationToken).ConfigureAwait(false);
        return new AIContext { Instructions = memory };
    }

    /// <inheritdoc />
    protected override async ValueTask StoreAIContextAsync(InvokedContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_memory.Options.StoreTurns)
        {
            await _memory.TryStoreAsync(ScopeOf(context.Session), context.RequestMessages.Concat(context.ResponseMessages ?? []), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
