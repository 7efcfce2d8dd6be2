using System.Collections.Concurrent;
using Mnemo.ApiKeys;
using Mnemo.Users;

namespace Mnemo.Server.Activity;

/// <summary>
/// Keeps the newest use of each API key and the newest activity of each user in memory;
/// <see cref="ActivityFlusher"/> writes them in one transaction at an interval, so neither
/// authentication nor an append writes a timestamp per request.
/// </summary>
public sealed class ActivityTracker
{
    private readonly ConcurrentDictionary<(string TenantId, Guid KeyId), DateTimeOffset> _keyUses = new();
    private readonly ConcurrentDictionary<(string TenantId, string UserId), DateTimeOffset> _userActivity = new();

    /// <summary>Notes that a key was used.</summary>
    public void KeyUsed(ApiKeyUsage usage) => Keep(_keyUses, (usage.TenantId, usage.KeyId), usage.UsedAt);

    /// <summary>Notes that a user was active.</summary>
    public void UserSeen(UserActivity activity) => Keep(_userActivity, (activity.TenantId, activity.UserId), activity.SeenAt);

    /// <summary>Takes every pending key use.</summary>
    public IReadOnlyList<ApiKeyUsage> DrainKeyUses() =>
        Drain(_keyUses).Select(pair => new ApiKeyUsage(pair.Key.TenantId, pair.Key.KeyId, pair.Value)).ToList();

    /// <summary>Takes every pending user activity.</summary>
    public IReadOnlyList<UserActivity> DrainUserActivity() =>
        Drain(_userActivity).Select(pair => new UserActivity(pair.Key.TenantId, pair.Key.UserId, pair.Value)).ToList();

    private static void Keep<TKey>(ConcurrentDictionary<TKey, DateTimeOffset> pending, TKey key, DateTimeOffset at)
        where TKey : notnull =>
        pending.AddOrUpdate(key, at, (_, previous) => previous > at ? previous : at);

    private static List<KeyValuePair<TKey, DateTimeOffset>> Drain<TKey>(ConcurrentDictionary<TKey, DateTimeOffset> pending)
        where TKey : notnull
    {
        var drained = new List<KeyValuePair<TKey, DateTimeOffset>>(pending.Count);
        foreach (var key in pending.Keys)
        {
            if (pending.TryRemove(key, out var at))
            {
                drained.Add(new(key, at));
            }
        }
        return drained;
    }
}
