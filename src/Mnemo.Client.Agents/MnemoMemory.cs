using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mnemo.Messages;
using Mnemo.Problems;
using Mnemo.Validation;

namespace Mnemo.Client.Agents;

/// <summary>
/// What every integration does around a model call: read the user's memory for the latest
/// question before it, store the turn after it. Each takes at most <see cref="MnemoMemoryOptions.Timeout"/>;
/// failures are logged and the call goes on without memory — an assistant that forgets for one
/// turn is better than one that fails.
/// </summary>
internal sealed partial class MnemoMemory(MnemoClient client, MnemoMemoryOptions options)
{
    private readonly ILogger _logger = options.Logger ?? NullLogger.Instance;

    public MnemoMemoryOptions Options => options;

    /// <summary>
    /// The user's memory for the latest question in <paramref name="prompt"/>, as instructions
    /// (nothing already in <paramref name="prompt"/> repeated); null for a user Mnemo has not met
    /// yet, or when Mnemo could not be read in time.
    /// </summary>
    public async Task<string?> RecallAsync(string userId, IReadOnlyList<ChatMessage> prompt, CancellationToken cancellationToken)
    {
        var question = ChatTurns.LatestQuestion(prompt);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            var context = await client.Memory.GetContextAsync(userId, options.RecentMessages, options.MaxChars, question,
                question is null ? null : options.RelevantLimit, timeout.Token).ConfigureAwait(false);
            var inPrompt = prompt.Select(message => message.Text).Where(text => text.Length > 0).ToHashSet(StringComparer.Ordinal);
            return MemoryPrompt.Write(context, options.Heading, inPrompt);
        }
        catch (MnemoApiException e) when (e.StatusCode == HttpStatusCode.NotFound && e.Code == ProblemCodes.NotFound)
        {
            return null; // a new user: nothing remembered yet
        }
        catch (Exception e) when (IsMnemoFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            LogRecallFailed(_logger, e, userId);
            return null;
        }
    }

    /// <summary>Stores <paramref name="messages"/> for the user, logging instead of throwing when Mnemo refuses, is down or is slow.</summary>
    public async Task TryStoreAsync(MnemoMemoryScope scope, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            await StoreAsync(scope, messages, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsMnemoFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailed(_logger, e, scope.UserId);
        }
    }

    /// <summary>
    /// Stores the text of <paramref name="messages"/> for the user (created if new), in batches
    /// under an idempotency key each, so the client's retries never store a message twice.
    /// </summary>
    public async Task StoreAsync(MnemoMemoryScope scope, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var batch in ChatTurns.ToInputs(messages, scope.ConversationId).Chunk(Limits.MaxBatch))
        {
            await client.Messages.AppendAsync(scope.UserId, new AppendMessagesRequest { Messages = batch },
                $"agent-turn-{Guid.NewGuid():N}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Mnemo refused, could not be reached, answered what is not its JSON, or took longer than allowed.</summary>
    private static bool IsMnemoFailure(Exception e) =>
        e is MnemoApiException or HttpRequestException or JsonException or OperationCanceledException;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Mnemo memory for user {UserId} could not be read; the model call goes on without it")]
    private static partial void LogRecallFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "A turn of user {UserId} could not be stored in Mnemo")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string userId);
}
