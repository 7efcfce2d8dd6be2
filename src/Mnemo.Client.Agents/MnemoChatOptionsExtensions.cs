using Microsoft.Extensions.AI;

namespace Mnemo.Client.Agents;

/// <summary>Naming, per call, whose memory a <see cref="MnemoMemoryChatClient"/> uses.</summary>
public static class MnemoChatOptionsExtensions
{
    private const string UserKey = "mnemo.user_id", ConversationKey = "mnemo.conversation_id";

    /// <summary>
    /// Options that make the Mnemo memory of this call the memory of <paramref name="userId"/>
    /// (and store the turn in <paramref name="conversationId"/>); the middleware removes them
    /// before the model sees the options.
    /// </summary>
    public static ChatOptions WithMnemoUser(this ChatOptions? options, string userId, Guid? conversationId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var named = options?.Clone() ?? new ChatOptions();
        named.AdditionalProperties ??= [];
        named.AdditionalProperties[UserKey] = userId;
        named.AdditionalProperties[ConversationKey] = conversationId;
        return named;
    }

    /// <summary>The call's scope, and the options without it for the inner client.</summary>
    internal static (MnemoMemoryScope Scope, ChatOptions? Inner) TakeScope(ChatOptions? options, MnemoMemoryOptions defaults)
    {
        if (options?.AdditionalProperties?.TryGetValue(UserKey, out var named) is true && named is string userId)
        {
            var conversationId = options.AdditionalProperties.TryGetValue(ConversationKey, out var conversation) ? conversation as Guid? : null;
            var inner = options.Clone();
            inner.AdditionalProperties!.Remove(UserKey);
            inner.AdditionalProperties.Remove(ConversationKey);
            return (new MnemoMemoryScope(userId, conversationId), inner);
        }
        return defaults.UserId is { } defaultUser
            ? (new MnemoMemoryScope(defaultUser, defaults.ConversationId), options)
            : throw new InvalidOperationException(
                "No Mnemo user for this call: set MnemoMemoryOptions.UserId, or pass options.WithMnemoUser(userId).");
    }
}
