using Mnemo.Storage.Configuration;

namespace Mnemo.Server.Hosting;

/// <summary>The <c>Mnemo</c> configuration section (environment: <c>Mnemo__AdminKey</c>, <c>Mnemo__Storage__Provider</c>, ...).</summary>
public sealed class MnemoOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Mnemo";

    /// <summary>The platform admin key. When unset and the store has none, one is generated and printed once.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Which database to use.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>AES-GCM key (32 bytes, base64) for secrets at rest; OAuth needs it.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>The Shopify OAuth flow.</summary>
    public ShopifyOptions Shopify { get; set; } = new();

    /// <summary>Who may read <c>/metrics</c> without a key.</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>The retention worker.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>Semantic recall: the embedding model and its indexer.</summary>
    public Recall.EmbeddingOptions Embeddings { get; set; } = new();

    /// <summary>Request bounds, enforced before any work.</summary>
    public LimitOptions Limits { get; set; } = new();

    /// <summary>Redis, for what the nodes of one deployment must share (optional).</summary>
    public RedisOptions Redis { get; set; } = new();

    /// <summary>How often the batched API-key last-used and user last-seen times are written.</summary>
    public TimeSpan ActivityFlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a stopping server waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The <c>Mnemo:Limits</c> section.</summary>
public sealed class LimitOptions
{
    /// <summary>Largest request body, in bytes (default 1 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest page a list returns.</summary>
    public int MaxPageSize { get; set; } = 200;

    /// <summary>Page size when the caller does not say.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>How long a request may run before it is cancelled with 504 (exports are exempt).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The <c>Mnemo:Retention</c> section.</summary>
public sealed class RetentionOptions
{
    /// <summary>Whether this node runs the periodic pass.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between passes (<c>Mnemo__Retention__Interval</c>).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows a retention transaction deletes at most.</summary>
    public int BatchSize { get; set; } = 1000;
}

/// <summary>The <c>Mnemo:Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    /// <summary>True: scrapes from loopback need no key (every other address needs the platform key). False: every scrape needs it.</summary>
    public bool OpenOnLoopback { get; set; } = true;
}

/// <summary>The <c>Mnemo:Shopify</c> section.</summary>
public sealed class ShopifyOptions
{
    /// <summary>Where a shop's admin lives; <c>{shop}</c> is replaced by the shop domain (tests point it at a local fake).</summary>
    public string AdminBaseUrl { get; set; } = "https://{shop}";

    /// <summary>How long the code exchange may take.</summary>
    public TimeSpan ExchangeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an install's state nonce is good for.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far a callback's timestamp may be from now.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// <c>Mnemo:Redis</c>: when <see cref="Configuration"/> is set, a revoked key or a suspended or
/// deleted tenant reaches every node at once through pub/sub (without it, within the 2-second
/// credential cache). Redis going away degrades readiness; it is not needed to serve.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=...</c>.</summary>
    public string? Configuration { get; set; }

    /// <summary>The pub/sub channel the nodes share.</summary>
    public string Channel { get; set; } = "mnemo:invalidations";
}
