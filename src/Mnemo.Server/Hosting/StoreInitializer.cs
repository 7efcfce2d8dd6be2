using Microsoft.Extensions.Options;
using Mnemo.ApiKeys;
using Mnemo.Storage.Migrations;
using Mnemo.Storage.Placement;
using Mnemo.Time;

namespace Mnemo.Server.Hosting;

/// <summary>
/// Brings the store up before the server accepts requests: applies migrations under the
/// store-wide lock, to the catalog and to every database tenants live in (one that cannot be
/// reached is migrated when first used), and on a store with no platform key and none
/// configured, makes one and prints it once.
/// </summary>
public sealed partial class StoreInitializer(
    RoutedDatabase databases, MigrationRunner migrations, IApiKeyStore keys, IOptions<MnemoOptions> options, TimeProvider timeProvider,
    ILogger<StoreInitializer> logger)
{
    /// <summary>Runs the start-up steps.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var version = await migrations.ApplyAsync(cancellationToken);
        LogSchemaReady(logger, databases.Dialect.Name, version);
        await databases.Registry.EnsureCatalogRowAsync(cancellationToken);
        if (databases.PlacesTenants)
        {
            foreach (var row in (await databases.Registry.ListAsync(cancellationToken)).Where(row => !row.IsCatalog))
            {
                try
                {
                    await databases.OpenAsync(row.Id, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogDatabaseNotReady(logger, exception, row.Id);
                }
            }
        }
        if (string.IsNullOrEmpty(options.Value.AdminKey) && !await keys.AnyPlatformKeyAsync(cancellationToken))
        {
            var (key, prefix) = ApiKeySecrets.Generate(ApiKeySecrets.PlatformMarker);
            var createdAt = timeProvider.GetUtcNowMicroseconds();
            await keys.AddPlatformKeyAsync(Guid.CreateVersion7(createdAt), prefix, ApiKeySecrets.Hash(key), createdAt, cancellationToken);
            // Written to the console, not the log: logs never carry secrets, and this one is
            // shown exactly once so the operator can store it.
            await Console.Out.WriteLineAsync(
                $"Mnemo generated a platform admin key (shown once; only its hash is stored): {key}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database {DatabaseId} could not be opened and migrated at start-up; its tenants' requests will try again")]
    private static partial void LogDatabaseNotReady(ILogger logger, Exception exception, string databaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Provider} ready at schema version {Version}")]
    private static partial void LogSchemaReady(ILogger logger, string provider, int version);
}
