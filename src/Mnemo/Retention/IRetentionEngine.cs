namespace Mnemo.Retention;

/// <summary>Runs retention passes; one node at a time across the cluster.</summary>
public interface IRetentionEngine
{
    /// <summary>One pass over every tenant; null when another node holds the retention lease.</summary>
    Task<RetentionCounts?> RunPassAsync(string holder, CancellationToken cancellationToken);
}
