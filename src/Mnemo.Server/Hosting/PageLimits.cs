using Mnemo.Server.Problems;

namespace Mnemo.Server.Hosting;

/// <summary>Page-size rules shared by every list endpoint.</summary>
public static class PageLimits
{
    /// <summary>The page size to use for a requested <paramref name="limit"/>; 400 when it is out of range.</summary>
    public static int Resolve(int? limit, LimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limit is null)
        {
            return limits.DefaultPageSize;
        }
        if (limit < 1 || limit > limits.MaxPageSize)
        {
            throw ApiProblems.InvalidField("limit", $"must be between 1 and {limits.MaxPageSize}");
        }
        return limit.Value;
    }
}
