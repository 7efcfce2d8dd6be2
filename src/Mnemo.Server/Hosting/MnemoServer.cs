using Microsoft.Extensions.DependencyInjection.Extensions;
using Mnemo.ApiKeys;
using Mnemo.Campaigns;
using Mnemo.Categories;
using Mnemo.Conversations;
using Mnemo.Erasure;
using Mnemo.Events;
using Mnemo.Extensions;
using Mnemo.Json;
using Mnemo.Insights;
using Mnemo.Memory;
using Mnemo.OAuth;
using Mnemo.Messages;
using Mnemo.Server.Access;
using Mnemo.Recall;
using Mnemo.Retention;
using Mnemo.Sessions;
using Mnemo.Systems;
using Mnemo.Server.Activity;
using Mnemo.Server.ApiKeys;
using Mnemo.Server.Campaigns;
using Mnemo.Server.Categories;
using Mnemo.Server.Conversations;
using Mnemo.Server.Docs;
using Mnemo.Server.Events;
using Mnemo.Server.Extensions;
using Mnemo.Server.Health;
using Mnemo.Server.Insights;
using Mnemo.Server.Mcp;
using Mnemo.Server.Memory;
using Mnemo.Server.Messages;
using Mnemo.Server.OAuth;
using Mnemo.Server.Observability;
using Mnemo.Server.Privacy;
using Mnemo.Server.Recall;
using Mnemo.Server.Paging;
using Mnemo.Server.Placement;
using Mnemo.Storage.Placement;
using Mnemo.Server.Problems;
using Mnemo.Server.Retention;
using Mnemo.Server.Systems;
using Mnemo.Server.Tasks;
using Mnemo.Server.Tenants;
using Mnemo.Server.Users;
using Mnemo.Server.Validation;
using Mnemo.Storage;
using Mnemo.Storage.ApiKeys;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Categories;
using Mnemo.Storage.Extensions;
using Mnemo.Storage.Systems;
using Mnemo.Storage.Configuration;
using Mnemo.Storage.Conversations;
using Mnemo.Storage.Erasure;
using Mnemo.Storage.Events;
using Mnemo.Storage.Insights;
using Mnemo.Storage.Memory;
using Mnemo.Storage.Messages;
using Mnemo.Storage.Migrations;
using Mnemo.Storage.OAuth;
using Mnemo.Storage.Recall;
using Mnemo.Storage.Retention;
using Mnemo.Storage.Sessions;
using Mnemo.Storage.Tasks;
using Mnemo.Storage.Tenants;
using Mnemo.Storage.Users;
using Mnemo.Tasks;
using Mnemo.Tenants;
using Mnemo.Users;

namespace Mnemo.Server.Hosting;

/// <summary>Builds and runs the Mnemo web application.</summary>
public static class MnemoServer
{
    /// <summary>The process entry point: runs until stopped; exit code 2 for unusable configuration.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = await BuildAsync(args);
        }
        catch (MnemoConfigurationException exception)
        {
            await Console.Error.WriteLineAsync($"mnemo: configuration error: {exception.Message}");
            return 2;
        }
        catch (MigrationChecksumException exception)
        {
            await Console.Error.WriteLineAsync($"mnemo: cannot start: {exception.Message}");
            return 3;
        }

        await using (app)
        {
            await app.RunAsync();
        }
        return 0;
    }

    /// <summary>
    /// Builds the application and prepares its store (migrations, first admin key), ready to
    /// start. Tests call this with <paramref name="configure"/> to add settings.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory, WebRootPath = "wwwroot" });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        ConfigureLogging(builder);
        configure?.Invoke(builder);
        var settings = ServerSettings.Load(builder.Configuration);

        ConfigureServices(builder, settings);
        builder.AddMnemoOpenTelemetry();
        var app = builder.Build();
        ConfigurePipeline(app);
        // Created now, so it counts from the first migration and request on.
        app.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>();
        try
        {
            await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // An unreachable or refusing database stops start-up with one line naming where it was configured.
            await app.DisposeAsync();
            throw new MnemoConfigurationException($"{settings.Storage} cannot be opened or reached ({exception.Message}); " +
                $"it is configured by Mnemo__Storage__*, {string.Join(", ", StorageResolver.DatabaseUrlVariables)} or POSTGRES_*.");
        }
        catch (StorageConfigurationException exception)
        {
            await app.DisposeAsync();
            throw new MnemoConfigurationException(exception.Message);
        }
        return app;
    }

    /// <summary>
    /// JSON lines (the built-in formatter) when <c>Mnemo:Logging:Json</c> is true, which is the
    /// default outside Development; a readable single-line format otherwise.
    /// </summary>
    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        var json = builder.Configuration.GetValue<bool?>("Mnemo:Logging:Json") ?? !builder.Environment.IsDevelopment();
        builder.Logging.ClearProviders();
        if (json)
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = false;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffZ ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
    }

    private static void ConfigureServices(WebApplicationBuilder builder, ServerSettings settings)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = settings.Options.Limits.MaxRequestBodyBytes;
            // Room for a long search query (URL-encoded, up to three bytes a character), so that
            // it gets Mnemo's own 400 naming the limit instead of Kestrel's bare 414.
            kestrel.Limits.MaxRequestLineSize = 32 * 1024;
        });
        services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.Options.ShutdownTimeout);
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, MnemoJsonContext.Default);
            // The context's own options carry it, but these are ASP.NET's: timestamps as ...Z here too.
            json.SerializerOptions.Converters.Add(new UtcTimestampConverter());
            // Numbers are numbers: a body's "0" is refused, so the document must not say a string will do.
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        services.AddMnemoProblems();
        services.AddMnemoAccess();
        services.AddMnemoRateLimits();
        services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutPolicy
        {
            Timeout = settings.Options.Limits.RequestTimeout,
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        });
        services.AddMnemoOpenApi();

        services.AddMnemoCore(settings);
        services.AddHostedService(provider => provider.GetRequiredService<ActivityFlusher>());
        services.AddHostedService<RetentionWorker>();
        services.AddSingleton<Cluster.ClusterSignals>();
        services.AddHostedService(provider => provider.GetRequiredService<Cluster.ClusterSignals>());
        services.AddHostedService(provider => provider.GetRequiredService<EmbeddingIndexer>());
    }

    /// <summary>
    /// The store, the stores, and the services over them: everything but HTTP and hosted workers.
    /// The server and the command line share it.
    /// </summary>
    public static IServiceCollection AddMnemoCore(this IServiceCollection services, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        // What most services need of the settings: the validated options, the usual way.
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Options));
        // Tests may register their own clock before this runs.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new CursorCodec(settings.EncryptionKey));
        services.AddSingleton<Pages>();
        services.AddMetrics();
        // Tenant data goes to the tenant's database; what authenticates and places tenants stays in the catalog.
        services.AddSingleton(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<RoutedDatabase>();
            return new RoutedDatabase(
                MnemoDatabaseFactory.Create(settings.Storage), settings.Storage.DatabaseId,
                secret => provider.GetRequiredService<SecretBox>().Open(secret), provider.GetRequiredService<TimeProvider>(),
                (databaseId, exception) => PlacementLog.SweepFailed(logger, exception, databaseId));
        });
        services.AddSingleton<MnemoDatabase>(provider => provider.GetRequiredService<RoutedDatabase>());
        services.AddSingleton(provider => new MigrationRunner(Catalog(provider), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StoreInitializer>();
        services.AddSingleton<ITenantStore, TenantStore>();
        services.AddSingleton<IApiKeyStore>(provider => new ApiKeyStore(Catalog(provider)));
        services.AddSingleton<IUserStore, UserStore>();
        services.AddSingleton<IMessageStore, MessageStore>();
        services.AddSingleton<IConversationStore, ConversationStore>();
        services.AddSingleton<IEventStore, EventStore>();
        services.AddSingleton<IUserEraser, UserEraser>();
        services.AddSingleton<IInsightStore, InsightStore>();
        services.AddSingleton<IContextReader, ContextReader>();
        services.AddSingleton<TaskStore>();
        services.AddSingleton<ITaskStore>(provider => provider.GetRequiredService<TaskStore>());
        services.AddSingleton<ProfileStore>();
        services.AddSingleton<IProfileStore>(provider => provider.GetRequiredService<ProfileStore>());
        services.AddSingleton<ISummaryTasks, SummaryTasks>();
        services.AddSingleton<SummarizationTrigger>();
        services.AddSingleton<MessageAppender>();
        services.AddSingleton<MemoryProfiles>();
        services.AddSingleton<ContextAssembler>();
        services.AddSingleton<UserExport>();
        services.AddSingleton<ISessionStore>(provider => new SessionStore(Catalog(provider), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IOAuthStore, OAuthStore>();
        services.AddSingleton<SecretBox>();
        services.AddHttpClient(ShopifyEndpoints.HttpClientName);
        services.AddSingleton<ICampaignStore, CampaignStore>();
        services.AddSingleton<ICategoryStore, CategoryStore>();
        services.AddSingleton<IFactorStore, FactorStore>();
        services.AddSingleton<IEntityAssignmentStore, EntityAssignmentStore>();
        services.AddSingleton<FactorValues>();
        services.AddSingleton<ISystemStore>(provider => new SystemStore(Catalog(provider)));
        services.AddSingleton<IExtensionStore, ExtensionStore>();
        services.AddSingleton<IUserContextStore, UserContextStore>();
        services.AddSingleton<IRetentionEngine>(provider => new RetentionEngine(
            provider.GetRequiredService<MnemoDatabase>(), settings.TenantDefaults, provider.GetRequiredService<TimeProvider>(), settings.Options.Retention.BatchSize));
        services.AddSingleton<TenantSettingsCache>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<MnemoMetrics>();
        services.AddSingleton<ApiActivity>();
        services.AddSingleton<ActivityTracker>();
        services.AddSingleton<ActivityFlusher>();
        services.AddSingleton<IRecallStore, RecallStore>();
        services.AddSingleton<IdleCpuScheduler>();
        services.AddSingleton<Embeddings>();
        services.AddSingleton<EmbeddingIndexer>();
        services.AddSingleton<MessageSearch>();
        services.AddSingleton<InsightWriter>();
        services.AddSingleton<ConversationReading>();
        services.AddSingleton<SearchPages>();
        services.AddSingleton<TaskCompletion>();
        services.AddSingleton<TenantPlacement>();
        services.AddSingleton<SignIn>();
        services.AddMnemoMcp();
        return services;
    }

    private static MnemoDatabase Catalog(IServiceProvider provider) => provider.GetRequiredService<RoutedDatabase>().Catalog;

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseRequestLog();
        app.UseRequestMetrics();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(static (context, next) =>
        {
            // Everything under /api carries tenant or user data: never let a cache keep it. Routing
            // ignores case, so this must too (/API/... reaches the same endpoints).
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.CacheControl = "no-store";
            }
            return next(context);
        });
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/ui", StringComparison.OrdinalIgnoreCase), ui => ui.Use(static (context, next) =>
        {
            // The page loads only its own files, and no other site may frame it.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        }));
        // Static files before routing, so the page's fallback route does not shadow its own assets.
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTextScreening();
        app.UseClusterRateLimits();
        app.UseRateLimiter();
        app.UseRequestTimeouts();

        // Anonymous by declaration; everything else names its policy or meets the denying fallback.
        app.MapFallbackToFile("/ui/{**path}", "ui/index.html").AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapApiReference();
        app.AnnounceApiReference();
        app.MapMetrics();
        app.MapHealth();
        app.MapMe();
        app.MapAuth();
        app.MapShopify();
        app.MapTenants();
        app.MapDatabases();
        app.MapApiKeys();
        app.MapUsers();
        app.MapMessages();
        app.MapSearch();
        app.MapConversations();
        app.MapEvents();
        app.MapPrivacy();
        app.MapMemory();
        app.MapContext();
        app.MapInsights();
        app.MapTasks();
        app.MapCampaigns();
        app.MapCategories();
        app.MapFactors();
        app.MapEntityAssignments();
        app.MapSystems();
        app.MapTenantSystems();
        app.MapExtensions();
        app.MapUserContext();
        app.MapRetention();
        app.MapMnemoMcp();
    }
}
