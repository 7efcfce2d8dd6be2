using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mnemo.Client.Agents;

/// <summary>
/// Mnemo memory for any <see cref="IChatClient"/> pipeline: before each call the user's memory
/// for the latest user message goes in as a system message; after it the turn is stored — the
/// messages after the model's last answer in the request, and the new answer.
/// </summary>
/// <remarks>
/// Built by <see cref="MnemoChatClientBuilderExtensions.UseMnemoMemory"/>. A streamed answer is
/// stored once the stream has been read to its end; a stream abandoned before it stores nothing.
/// </remarks>
public sealed class MnemoMemoryChatClient : DelegatingChatClient
{
    private readonly MnemoMemory _memory;

    /// <summary>Memory through <paramref name="client"/> around <paramref name="innerClient"/>.</summary>
    public MnemoMemoryChatClient(IChatClient innerClient, MnemoClient client, MnemoMemoryOptions? options = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        _memory = new MnemoMemory(client, (options ?? new MnemoMemoryOptions()).Checked());
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (scope, innerOptions) = MnemoChatOptionsExtensions.TakeScope(options, _memory.Options);
        var request = messages.ToList();
        var prompt = await WithMemoryAsync(scope, request, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(prompt, innerOptions, cancellationToken).ConfigureAwait(false);
        await StoreTurnAsync(scope, request, response, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (scope, innerOptions) = MnemoChatOptionsExtensions.TakeScope(options, _memory.Options);
        var request = messages.ToList();
        var prompt = await WithMemoryAsync(scope, request, cancellationToken).ConfigureAwait(false);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(prompt, innerOptions, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }
        await StoreTurnAsync(scope, request, updates.ToChatResponse(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The request with the memory as a system message after the caller's own system messages.</summary>
    private async Task<List<ChatMessage>> WithMemoryAsync(MnemoMemoryScope scope, List<ChatMessage> request, CancellationToken cancellationToken)
    {
        if (await _memory.RecallAsync(scope.UserId, request, cancellationToken).ConfigureAwait(false) is not { } memory)
        {
            return request;
        }
        var prompt = new List<ChatMessage>(request.Count + 1);
        var leadingSystem = request.TakeWhile(message => message.Role == ChatRole.System).Count();
        prompt.AddRange(request.Take(leadingSystem));
        prompt.Add(new ChatMessage(ChatRole.System, memory));
        prompt.AddRange(request.Skip(leadingSystem));
        return prompt;
    }

    private Task StoreTurnAsync(MnemoMemoryScope scope, List<ChatMessage> request, ChatResponse response, CancellationToken cancellationToken) =>
        _memory.Options.StoreTurns
            ? _memory.TryStoreAsync(scope, ChatTurns.NewInTurn(request).Concat(response.Messages), cancellationToken)
            : Task.CompletedTask;
}
