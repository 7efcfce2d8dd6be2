using Microsoft.Agents.AI;

namespace Mnemo.Client.Agents;

/// <summary>
/// Mnemo as an agent's long-term memory (Microsoft Agent Framework): before each model call it
/// gives the model the user's profile, summary, insights and the messages of earlier turns that
/// best answer the latest user message (the context call with <c>query</c>), as instructions for
/// that call only — nothing the model already has in its history repeated; after the call it
/// stores the turn (the caller's new messages and the answer), unless the agent's history is a
/// <see cref="MnemoChatHistoryProvider"/>, which stores it.
/// </summary>
/// <remarks>
/// The scope is fixed when a session first meets the provider and travels in the session's
/// state: a session belongs to one user. Keep serialized sessions where only your backend reads
/// and writes them.
/// </remarks>
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
    /// A provider reading and writing through <paramref name="client"/> (a tenant key; a user's
    /// token only reads, so set <see cref="MnemoMemoryOptions.StoreTurns"/> off with one) for the
    /// user that <paramref name="scopeOf"/> names for each new session.
    /// </summary>
    public MnemoContextProvider(MnemoClient client, Func<AgentSession?, MnemoMemoryScope> scopeOf, MnemoMemoryOptions? options = null)
        : base(provideInputMessageFilter: static messages => messages) // the history too: what it holds is not repeated
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scopeOf);
        _memory = new MnemoMemory(client, (options ?? new MnemoMemoryOptions()).Checked());
        _scope = new ProviderSessionState<MnemoMemoryScope>(scopeOf, nameof(MnemoContextProvider), AgentStateJsonContext.Default.Options);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKeys => [_scope.StateKey];

    /// <summary>The user and conversation a session's memory belongs to (named by the scope function, and saved in the session, on first use).</summary>
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
        if (_memory.Options.StoreTurns && context.Agent.GetService<MnemoChatHistoryProvider>() is null)
        {
            await _memory.TryStoreAsync(ScopeOf(context.Session), context.RequestMessages.Concat(context.ResponseMessages ?? []), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
