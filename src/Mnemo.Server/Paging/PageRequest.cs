using Microsoft.AspNetCore.Mvc;

namespace Mnemo.Server.Paging;

/// <summary>The paging parameters every cursor-paged list takes, bound with <c>[AsParameters]</c>.</summary>
public readonly record struct PageRequest
{
    /// <summary>Items per page; the configured default when absent.</summary>
    [FromQuery(Name = "limit")]
    public int? Limit { get; init; }

    /// <summary>The <c>next_cursor</c> of the page before; absent for the first page.</summary>
    [FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }
}
