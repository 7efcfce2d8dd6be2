using System.Diagnostics;

namespace Mnemo.Diagnostics;

/// <summary>
/// Mnemo's own spans (OpenTelemetry reads them as the <c>Mnemo</c> source): around the append, the
/// group commit, the recall indexer's batches, retention passes and task leases. A span carries
/// the tenant's id where it acts for one tenant, and counts; never content or user ids.
/// </summary>
public static class MnemoTracing
{
    /// <summary>The source's name, to subscribe to.</summary>
    public const string SourceName = "Mnemo";

    /// <summary>The attribute naming the tenant a span acts for.</summary>
    public const string TenantId = "mnemo.tenant_id";

    /// <summary>The source of every Mnemo span.</summary>
    public static ActivitySource Source { get; } = new(SourceName);
}
