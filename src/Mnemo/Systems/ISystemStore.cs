namespace Mnemo.Systems;

/// <summary>What a write to a configuration did.</summary>
public enum ConfigWrite
{
    /// <summary>A new revision was written.</summary>
    Written,

    /// <summary>The expected revision is not the current one (another write came first).</summary>
    Stale,

    /// <summary>The system (or, for an override, its assignment to the tenant) does not exist.</summary>
    NotFound,
}

/// <summary>Persistence of the management system repository: systems, versions, assignments, configurations.</summary>
public interface ISystemStore
{
    /// <summary>Inserts; false when the id is taken.</summary>
    Task<bool> CreateAsync(ManagementSystem system, CancellationToken cancellationToken);

    /// <summary>The system, or null; with <paramref name="tenantId"/>, only if assigned to that tenant.</summary>
    Task<ManagementSystem?> GetAsync(string systemId, string? tenantId, CancellationToken cancellationToken);

    /// <summary>Systems by id after <paramref name="afterId"/>; with <paramref name="tenantId"/>, only those assigned to it.</summary>
    Task<IReadOnlyList<ManagementSystem>> ListAsync(string? tenantId, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces the system's fields; null when missing.</summary>
    Task<ManagementSystem?> ReplaceAsync(ManagementSystem system, CancellationToken cancellationToken);

    /// <summary>Adds a version; null when the system is missing, false when the version exists.</summary>
    Task<bool?> AddVersionAsync(SystemVersion version, CancellationToken cancellationToken);

    /// <summary>The system's versions, newest release first.</summary>
    Task<IReadOnlyList<SystemVersion>> ListVersionsAsync(string systemId, CancellationToken cancellationToken);

    /// <summary>
    /// Assigns the system to the tenant, or changes the assignment: no assignment when the system
    /// is missing, or when the assignment's version is not one of the system's (VersionMissing).
    /// </summary>
    Task<(TenantSystem? Assignment, bool VersionMissing)> AssignAsync(TenantSystem assignment, CancellationToken cancellationToken);

    /// <summary>Removes the assignment and the tenant's override; false when it was not assigned.</summary>
    Task<bool> UnassignAsync(string tenantId, string systemId, CancellationToken cancellationToken);

    /// <summary>The tenant's systems, by id.</summary>
    Task<IReadOnlyList<TenantSystem>> ListAssignedAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// The current revision of the system's configuration (<paramref name="tenantId"/> null), or
    /// of the tenant's override; revision 0 when none was written; null when the system (or its
    /// assignment to the tenant) is missing.
    /// </summary>
    Task<ConfigRevision?> GetConfigAsync(string systemId, string? tenantId, CancellationToken cancellationToken);

    /// <summary>Writes revision <paramref name="expectedRevision"/> + 1, unless another write came first.</summary>
    Task<(ConfigWrite Outcome, ConfigRevision? Revision)> WriteConfigAsync(
        string systemId, string? tenantId, long expectedRevision, string configJson, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The configuration's revisions, newest first, at most <paramref name="limit"/>; null when the system (or assignment) is missing.</summary>
    Task<IReadOnlyList<ConfigRevision>?> ListConfigRevisionsAsync(string systemId, string? tenantId, int limit, CancellationToken cancellationToken);
}
