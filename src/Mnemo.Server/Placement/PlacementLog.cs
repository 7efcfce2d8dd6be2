namespace Mnemo.Server.Placement;

/// <summary>What placement logs.</summary>
public static partial class PlacementLog
{
    /// <summary>A background sweep skipped a database it could not work in.</summary>
    [LoggerMessage(Level = LogLevel.Warning, Message = "A background sweep skipped database {DatabaseId}; it will try again at its next pass")]
    public static partial void SweepFailed(ILogger logger, Exception exception, string databaseId);
}
