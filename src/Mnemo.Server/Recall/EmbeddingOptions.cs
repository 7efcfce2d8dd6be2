namespace Mnemo.Server.Recall;

/// <summary>The <c>Mnemo:Embeddings</c> section: what makes the vectors of semantic recall.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>The in-process model (the default).</summary>
    public const string Local = "local";

    /// <summary>Any OpenAI-compatible <c>/v1/embeddings</c> endpoint.</summary>
    public const string OpenAIProvider = "openai";

    /// <summary>Semantic recall off; keyword search still works.</summary>
    public const string None = "none";

    /// <summary><c>local</c>, <c>openai</c> or <c>none</c>.</summary>
    public string Provider { get; set; } = Local;

    /// <summary>
    /// The local model: <c>snowflake-arctic-embed-xs</c> (the default: recall@10 0.602 alone on the
    /// LoCoMo dev set against MiniLM's 0.510, same size and speed) or <c>all-MiniLM-L6-v2</c>.
    /// </summary>
    public string Model { get; set; } = LocalModels.ArcticXs;

    /// <summary>
    /// Idle-priority threads the indexer embeds on, one model call each (the default: one a core;
    /// the API still comes first, as their priority is the lowest).
    /// </summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Messages per model call (8 embeds LoCoMo's turns fastest here: 74/s a thread, against 62 with 32).</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Whether this node runs the background indexer.</summary>
    public bool Indexer { get; set; } = true;

    /// <summary>The <c>openai</c> provider's endpoint.</summary>
    public OpenAIEmbeddingOptions OpenAI { get; set; } = new();
}

/// <summary>The <c>Mnemo:Embeddings:OpenAI</c> section: an OpenAI-compatible embeddings endpoint.</summary>
public sealed class OpenAIEmbeddingOptions
{
    /// <summary>The API's base address, <c>/embeddings</c> is appended (for example <c>https://api.openai.com/v1</c>).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The model, for example <c>text-embedding-3-small</c>; vectors record it.</summary>
    public string? Model { get; set; }

    /// <summary>The API key, sent as a bearer token; empty for endpoints that want none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Dimensions to ask for (models that can shorten their vectors); the model's own when null.</summary>
    public int? Dimensions { get; set; }

    /// <summary>How long one try may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Tries after the first on 429, 5xx and network failures, with exponential back-off.</summary>
    public int MaxRetries { get; set; } = 3;
}
