using System.Net;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Mnemo.Conversations;
using Mnemo.Users;

namespace Mnemo.Client.Agents;

/// <summary>
/// An agent session's chat history kept in a Mnemo conversation (Microsoft Agent Framework):
/// before each model call it loads the conversation's newest messages; after the call it stores
/// the caller's new messages and the answer. A session whose scope names no conversation starts
/// one on its first turn and keeps its id in the session state.
/// </summary>
/// <remarks>
/// Only what the user and the assistant said is kept: a tool call and its result, and system
/// prompts, are not history here. Messages that context providers add for one call are not
/// stored. A session belongs to one user (see <see cref="MnemoContextProvider"/>); two runs of
/// one new session at once may each start a conversation.
/// </remarks>
/// <example>
/// <code>
/// var agent = chatClient.AsAIAgent(new ChatClientAgentOptions
/// {
///     ChatHistoryProvider = new MnemoChatHistoryProvider(mnemo, _ => new MnemoMemoryScope("user-42")),
/// });
/// </code>
/// </example>
public sealed class MnemoChatHistoryProvider : ChatHistoryProvider
{
    /// <summary>Messages loaded per call when the caller names no number (Mnemo's largest page).</summary>
    public const int DefaultMaxMessages = 100;

    private readonly MnemoClient _client;
    private readonly MnemoMemory _memory;
    private readonly int _maxMessages;
    private readonly ProviderSessionState<MnemoMemoryScope> _scope;

    /// <summary>
    /// A provider over <paramref name="client"/> for the user (and conversation) that
    /// <paramref name="scopeOf"/> names for each new session, loading at most
    /// <paramref name="maxMessages"/> (1 to 100) of the newest messages per call.
    /// </summary>
    public MnemoChatHistoryProvider(MnemoClient client, Func<AgentSession?, MnemoMemoryScope> scopeOf, int maxMessages = DefaultMaxMessages)
        : base(storeInputRequestMessageFilter: messages => messages.Where(IsFromCaller))
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scopeOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, DefaultMaxMessages);
        _client = client;
        _memory = new MnemoMemory(client, new MnemoMemoryOptions());
        _maxMessages = maxMessages;
        _scope = new ProviderSessionState<MnemoMemoryScope>(scopeOf, nameof(MnemoChatHistoryProvider), AgentStateJsonContext.Default.Options);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKeys => [_scope.StateKey];

    /// <summary>The user and conversation a session's history is kept in (saved in the session on first use; the conversation is null until its first turn).</summary>
    public MnemoMemoryScope ScopeOf(AgentSession? session) => _scope.GetOrInitializeState(session);

    /// <inheritdoc />
    /// <remarks>A conversation or user deleted meanwhile (or erased) has no history: the session starts afresh.</remarks>
    protected override async ValueTask<IEnumerable<ChatMessage>> ProvideChatHistoryAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = ScopeOf(context.Session);
        if (scope.ConversationId is not { } conversationId)
        {
            return [];
        }
        try
        {
            var page = await _client.Messages.ListAsync(scope.UserId, _maxMessages, conversationId: conversationId, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return ChatTurns.ToHistory(page.Messages);
        }
        catch (MnemoApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A failure to store throws: history that silently lost a turn would mislead the next one.
    /// When the session's conversation is gone (deleted, expired, its user erased), the turn
    /// starts a new one.
    /// </remarks>
    protected override async ValueTask StoreChatHistoryAsync(InvokedContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var turn = context.RequestMessages.Concat(context.ResponseMessages ?? []).ToList();
        var scope = ScopeOf(context.Session);
        if (scope.ConversationId is not null)
        {
            try
            {
                await _memory.StoreAsync(scope, turn, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MnemoApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // The conversation is gone: the turn goes to a new one.
            }
        }
        scope = scope with { ConversationId = await StartConversationAsync(scope.UserId, cancellationToken).ConfigureAwait(false) };
        _scope.SaveState(context.Session, scope);
        await _memory.StoreAsync(scope, turn, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsFromCaller(ChatMessage message) =>
        message.GetAgentRequestMessageSourceType() == AgentRequestMessageSourceType.External;

    /// <summary>A new conversation of the user, creating the user first when Mnemo has not met them.</summary>
    private async Task<Guid> StartConversationAsync(string userId, CancellationToken cancellationToken)
    {
        var request = new CreateConversationRequest { WorkflowName = "agent" };
        try
        {
            return (await _client.Conversations.CreateAsync(userId, request, cancellationToken).ConfigureAwait(false)).Id;
        }
        catch (MnemoApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            await CreateUserAsync(userId, cancellationToken).ConfigureAwait(false);
            return (await _client.Conversations.CreateAsync(userId, request, cancellationToken).ConfigureAwait(false)).Id;
        }
    }

    private async Task CreateUserAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Users.CreateAsync(new CreateUserRequest { Id = userId }, cancellationToken).ConfigureAwait(false);
        }
        catch (MnemoApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Created meanwhile by another call: what was wanted.
        }
    }
}
