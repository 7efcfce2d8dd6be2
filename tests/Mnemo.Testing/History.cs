using Mnemo.Client;
using Mnemo.Messages;

namespace Mnemo.Testing;

/// <summary>Reading whole histories back through the API.</summary>
public static class History
{
    /// <summary>Every message of <paramref name="userIds"/>, page by page.</summary>
    public static async Task<List<Message>> AllAsync(MnemoClient client, IEnumerable<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(userIds);
        var all = new List<Message>();
        foreach (var userId in userIds)
        {
            string? before = null;
            do
            {
                var page = await client.Messages.ListAsync(userId, limit: 200, before: before);
                all.AddRange(page.Messages);
                before = page.NextCursor;
            }
            while (before is not null);
        }
        return all;
    }
}
