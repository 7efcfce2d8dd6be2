using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Mnemo.Server.Hosting;

namespace Mnemo.Server.Recall;

/// <summary>
/// The configured embedding generator: the local model, loaded in the background (about a second,
/// and the server answers, keyword search included, meanwhile; until then <see cref="State"/> says
/// so), or an OpenAI-compatible endpoint (Microsoft.Extensions.AI.OpenAI, with its retries on 429,
/// 5xx and network failures and a timeout per try).
/// </summary>
public sealed partial class Embeddings(IOptions<MnemoOptions> options, ILogger<Embeddings> logger) : IDisposable
{
    private readonly EmbeddingOptions _options = options.Value.Embeddings;
    private readonly TaskCompletionSource<IEmbeddingGenerator<string, Embedding<float>>> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _loading;

    /// <summary>Whether semantic recall is configured at all.</summary>
    public bool Enabled => _options.Provider != EmbeddingOptions.None;

    /// <summary>The provider: <c>local</c>, <c>openai</c> or <c>none</c>.</summary>
    public string Provider => _options.Provider;

    /// <summary>The model whose vectors searches use; null when off.</summary>
    public string? Model => _options.Provider switch
    {
        EmbeddingOptions.None => null,
        EmbeddingOptions.OpenAIProvider => _options.OpenAI.Model,
        _ => _options.Model,
    };

    /// <summary>The vectors' dimensions; null when off, or when a remote model's own are used.</summary>
    public int? Dimensions => _options.Provider switch
    {
        EmbeddingOptions.None => null,
        EmbeddingOptions.OpenAIProvider => _options.OpenAI.Dimensions,
        _ => 384,
    };

    /// <summary><c>off</c>, <c>loading</c>, <c>ready</c> or <c>failed</c>.</summary>
    public string State => !Enabled ? "off"
        : _loaded.Task.IsCompletedSuccessfully ? "ready"
        : _loaded.Task.IsFaulted ? "failed"
        : "loading";

    /// <summary>Starts loading the model in the background, once; does nothing when off.</summary>
    public void StartLoading()
    {
        if (!Enabled || Interlocked.Exchange(ref _loading, 1) == 1)
        {
            return;
        }
        if (_options.Provider == EmbeddingOptions.OpenAIProvider)
        {
            _loaded.SetResult(RemoteGenerator(_options.OpenAI));
            return;
        }
        // On a thread of its own: the server starts and answers (keyword search included) while
        // the model loads, about a second of one core. Not at idle priority: under steady load
        // the load would wait indefinitely.
        _ = Task.Factory.StartNew(() =>
        {
            try
            {
                var started = TimeProvider.System.GetTimestamp();
                var generator = new LocalEmbeddingGenerator(LocalModels.Load(_options.Model), _options.Model);
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
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The generator once loaded.</summary>
    public Task<IEmbeddingGenerator<string, Embedding<float>>> LoadedAsync(CancellationToken cancellationToken)
    {
        StartLoading();
        return _loaded.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The vector of a question, or null while the model is not loaded.</summary>
    /// <exception cref="SemanticSearchUnavailableException">The remote endpoint failed (after its retries) or timed out.</exception>
    public async Task<float[]?> EmbedQuestionAsync(string question, CancellationToken cancellationToken)
    {
        if (!_loaded.Task.IsCompletedSuccessfully)
        {
            return null;
        }
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [LocalEmbeddingGenerator.QueryInput] = true } };
        // A search waits for the endpoint at most its timeout once per try: the client's own
        // per-try timeout was seen to let a hanging endpoint hold a search for 25 s.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.Provider == EmbeddingOptions.OpenAIProvider)
        {
            deadline.CancelAfter(_options.OpenAI.Timeout * (_options.OpenAI.MaxRetries + 1));
        }
        try
        {
            var embeddings = await _loaded.Task.Result.GenerateAsync([question], options, deadline.Token);
            return UnitVectors.Of(embeddings[0].Vector.Span);
        }
        catch (Exception exception) when (IsRemoteFailure(exception, cancellationToken))
        {
            LogRemoteFailed(logger, exception);
            throw new SemanticSearchUnavailableException("unavailable");
        }
    }

    /// <summary>
    /// Any failure of a call to the remote endpoint that the caller did not cancel: an error answer
    /// (after the client's retries), the network, a try's timeout, an answer it could not read.
    /// </summary>
    private bool IsRemoteFailure(Exception exception, CancellationToken cancellationToken) =>
        _options.Provider == EmbeddingOptions.OpenAIProvider && !cancellationToken.IsCancellationRequested && exception is not OutOfMemoryException;

    private static IEmbeddingGenerator<string, Embedding<float>> RemoteGenerator(OpenAIEmbeddingOptions options)
    {
        var client = new OpenAI.Embeddings.EmbeddingClient(
            options.Model!,
            new System.ClientModel.ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "none" : options.ApiKey),
            new OpenAI.OpenAIClientOptions
            {
                Endpoint = options.BaseUrl,
                NetworkTimeout = options.Timeout,
                RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(options.MaxRetries),
            });
        return client.AsIEmbeddingGenerator(options.Dimensions);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embeddings endpoint failed; semantic search answers 503 (hybrid: keyword results)")]
    private static partial void LogRemoteFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedding model {Model} failed to load; semantic recall is off")]
    private static partial void LogFailed(ILogger logger, Exception exception, string model);
}
