using Microsoft.Extensions.AI;
using SentenceTransformers;

namespace Mnemo.Server.Recall;

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over an in-process sentence encoder: the
/// vectors come back L2-normalised, so a dot product is their cosine. Whitespace is collapsed first
/// (the tokenizer splits on spaces only, so "a\nb" would be one word). Encoding is CPU-bound and
/// synchronous, on the caller's thread (the indexer calls it from its idle-priority thread).
/// </summary>
public sealed class LocalEmbeddingGenerator(ISentenceEncoder encoder, string model) : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Set in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> to mark the inputs as questions.</summary>
    public const string QueryInput = "mnemo.query";

    private readonly EmbeddingGeneratorMetadata _metadata = new("mnemo-local", null, model, 384);

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var prefix = options?.AdditionalProperties?.ContainsKey(QueryInput) == true ? LocalModels.QueryPrefix(model) : string.Empty;
        var inputs = values.Select(value => prefix + string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToArray();
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(inputs.Length);
        // The encoder refuses an empty batch.
        if (inputs.Length > 0)
        {
            foreach (var vector in encoder.Encode(inputs, cancellationToken))
            {
                embeddings.Add(new Embedding<float>(vector) { ModelId = model });
            }
        }
        return Task.FromResult(embeddings);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => (encoder as IDisposable)?.Dispose();
}
