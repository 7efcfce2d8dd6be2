namespace Mnemo.Server.Recall;

/// <summary>The <c>Mnemo:Embeddings</c> section: what makes the vectors of semantic recall.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>The in-process model (the default).</summary>
    public const string Local = "local";

    /// <summary>Semantic recall off; keyword search still works.</summary>
    public const string None = "none";

    /// <summary><c>local</c> or <c>none</c>.</summary>
    public string Provider { get; set; } = Local;

    /// <summary>
    /// The local model: <c>snowflake-arctic-embed-xs</c> (the default: recall@10 0.602 alone on the
    /// LoCoMo dev set against MiniLM's 0.510, same size and speed) or <c>all-MiniLM-L6-v2</c>.
    /// </summary>
    public string Model { get; set; } = LocalModels.ArcticXs;

    /// <summary>CPU threads one embedding call may use; the API keeps the rest.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Messages the indexer embeds per call.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Whether this node runs the background indexer.</summary>
    public bool Indexer { get; set; } = true;
}
