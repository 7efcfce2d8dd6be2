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

    /// <summary>
    /// The call's scope, and the options without it for the inner client. A scope key holding
    /// anything but what <see cref="WithMnemoUser"/> puts there is refused rather than read as
    /// "no user named", which would use the default user's memory.
    /// </summary>
    internal static (MnemoMemoryScope Scope, ChatOptions? Inner) TakeScope(ChatOptions? options, MnemoMemoryOptions defaults)
    {
        var properties = options?.AdditionalProperties;
        if (properties is null || !(properties.ContainsKey(UserKey) || properties.ContainsKey(ConversationKey)))
        {
            return defaults.UserId is { } defaultUser
                ? (new MnemoMemoryScope(defaultUser, defaults.ConversationId), options)
                : throw new InvalidOperationException(
                    "No Mnemo user for this call: set MnemoMemoryOptions.UserId, or pass options.WithMnemoUser(userId).");
        }
        if (properties.GetValueOrDefault(UserKey) is not string { Length: > 0 } userId
            || properties.GetValueOrDefault(ConversationKey) is not (null or Guid))
        {
            throw new InvalidOperationException($"'{UserKey}' and '{ConversationKey}' are set only by WithMnemoUser(userId, conversationId).");
        }
        var inner = options!.Clone();
        inner.AdditionalProperties!.Remove(UserKey);
        inner.AdditionalProperties.Remove(ConversationKey);
        return (new MnemoMemoryScope(userId, properties.GetValueOrDefault(ConversationKey) as Guid?), inner);
    }
}
