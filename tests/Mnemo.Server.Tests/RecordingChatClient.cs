using Microsoft.Extensions.AI;

namespace Mnemo.Server.Tests;

/// <summary>
/// A model that answers "Noted." and records everything it was sent — the messages and the
/// options (where an agent puts its instructions) of each call, as the text the model would read.
/// </summary>
internal sealed class RecordingChatClient : IChatClient
{
    private readonly List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> _calls = [];

    public const string Answer = "Noted.";

    /// <summary>Everything the model read on call <paramref name="index"/> (0 is the first), one line a message.</summary>
    public string Read(int index)
    {
        var (messages, options) = _calls[index];
        return string.Join('\n', messages.Select(message => $"{message.Role}: {message.Text}").Prepend($"instructions: {options?.Instructions}"));
    }

    /// <summary>The messages of call <paramref name="index"/>.</summary>
    public IReadOnlyList<ChatMessage> MessagesOf(int index) => _calls[index].Messages;

    /// <summary>The options of call <paramref name="index"/>.</summary>
    public ChatOptions? OptionsOf(int index) => _calls[index].Options;

    public int Calls => _calls.Count;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        _calls.Add((messages.ToList(), options?.Clone()));
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _calls.Add((messages.ToList(), options?.Clone()));
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Not") { MessageId = "answer" };
        yield return new ChatResponseUpdate(ChatRole.Assistant, "ed.") { MessageId = "answer" };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
