using Mnemo.Recall;

namespace Mnemo.Storage.Recall;

/// <summary>A <see cref="RecallFilter"/> as SQL conditions on a messages alias, and its parameters.</summary>
internal static class RecallFilters
{
    /// <summary>The filter's conditions on the messages table aliased <paramref name="alias"/>, each starting with AND.</summary>
    public static string Sql(RecallFilter filter, string alias) => string.Concat(
        filter.ConversationId is null ? "" : $" AND {alias}.conversation_id = @filter_conversation_id",
        filter.Role is null ? "" : $" AND {alias}.role = @filter_role",
        filter.From is null ? "" : $" AND {alias}.created_at >= @filter_from",
        filter.To is null ? "" : $" AND {alias}.created_at < @filter_to");

    /// <summary>Binds the parameters <see cref="Sql"/> names.</summary>
    public static void Bind(RecallFilter filter, SqlCommand command)
    {
        if (filter.ConversationId is { } conversation)
        {
            command.With("filter_conversation_id", conversation);
        }
        if (filter.Role is { } role)
        {
            command.With("filter_role", role);
        }
        if (filter.From is { } from)
        {
            command.With("filter_from", from);
        }
        if (filter.To is { } to)
        {
            command.With("filter_to", to);
        }
    }
}
