using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Mnemo.Server.Hosting;

namespace Mnemo.Server.Recall;

/// <summary>
/// The configured embedding generator, loaded in the background: loading the local model takes
/// about a second, and the server answers (keyword search included) meanwhile. Until it is loaded,
/// <see cref="State"/> says so and semantic search is not available.
/// </summary>
public sealed partial class Embeddings(IOptions<MnemoOptions> options, ILogger<Embeddings> logger) : IDisposable
{
    private readonly EmbeddingOptions _options = options.Value.Embeddings;
    private readonly TaskCompletionSource<IEmbeddingGenerator<string, Embedding<float>>> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _loading;

    /// <summary>Whether semantic recall is configured at all.</summary>
    public bool Enabled => _options.Provider != EmbeddingOptions.None;

    /// <summary>The provider: <c>local</c> or <c>none</c>.</summary>
    public string Provider => _options.Provider;

    /// <summary>The model whose vectors searches use; null when off.</summary>
    public string? Model => Enabled ? _options.Model : null;

    /// <summary>The vectors' dimensions; null when off.</summary>
    public int? Dimensions => Enabled ? 384 : null;

    /// <summary><c>off</c>, <c>loading</c>, <c>ready</c> or <c>failed</c>.</summary>
    public string State => !Enabled ? "off"
        : _loaded.Task.IsCompletedSuccessfully ? "ready"
        : _loaded.Task.IsFaulted ? "failed"
        : "loading";

    /// <summary>Starts loading the model on a thread of its own, once; does nothing when off.</summary>
    public void StartLoading()
    {
        if (!Enabled || Interlocked.Exchange(ref _loading, 1) == 1)
        {
            return;
        }
        _ = Task.Run(() =>
        {
            try
            {
                var started = TimeProvider.System.GetTimestamp();
                var generator = new LocalEmbeddingGenerator(LocalModels.Load(_options.Model, _options.Threads), _options.Model);
                var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
                LogLoaded(logger, _options.Model, seconds);
                _loaded.SetResult(generator);
            }
#pragma warning disable CA1031 // A model that cannot load turns semantic recall off with a logged error; the server goes on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogFailed(logger, exception, _options.Model);
                _loaded.SetException(exception);
            }
        });
    }

    /// <summary>The generator once loaded.</summary>
    public Task<IEmbeddingGenerator<string, Embedding<float>>> LoadedAsync(CancellationToken cancellationToken)
    {
        StartLoading();
        return _loaded.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The vector of a question, or null while the model is not loaded.</summary>
    public async Task<float[]?> EmbedQuestionAsync(string question, CancellationToken cancellationToken)
    {
        if (!_loaded.Task.IsCompletedSuccessfully)
        {
            return null;
        }
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [LocalEmbeddingGenerator.QueryInput] = true } };
        var embeddings = await _loaded.Task.Result.GenerateAsync([question], options, cancellationToken);
        return embeddings[0].Vector.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_loaded.Task.IsCompletedSuccessfully)
        {
            _loaded.Task.Result.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding model {Model} loaded in {Seconds:F2} s")]
    private static partial void LogLoaded(ILogger logger, string model, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedding model {Model} failed to load; semantic recall is off")]
    private static partial void LogFailed(ILogger logger, Exception exception, string model);
}
