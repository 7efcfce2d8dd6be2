namespace Mnemo.Campaigns;

/// <summary>Persistence of campaigns.</summary>
public interface ICampaignStore
{
    /// <summary>Inserts; false when the id is taken.</summary>
    Task<bool> CreateAsync(string tenantId, Campaign campaign, CancellationToken cancellationToken);

    /// <summary>The campaign, or null.</summary>
    Task<Campaign?> GetAsync(string tenantId, string campaignId, CancellationToken cancellationToken);

    /// <summary>Campaigns by id after <paramref name="afterId"/>; only those assigned to <paramref name="categoryId"/> when given.</summary>
    Task<IReadOnlyList<Campaign>> ListAsync(string tenantId, string? categoryId, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Partial update; null when missing. <paramref name="clearTtl"/> returns the TTL to the tenant's.</summary>
    Task<Campaign?> UpdateAsync(string tenantId, string campaignId, string? name, int? ttlDays, bool clearTtl, string? status, string? metadataJson, CancellationToken cancellationToken);

    /// <summary>Deletes it with its participants and their messages; null when missing, else messages deleted.</summary>
    Task<long?> DeleteAsync(string tenantId, string campaignId, CancellationToken cancellationToken);
}
