using Microsoft.Extensions.Options;

namespace Mnemo.Server.Hosting;

/// <summary>Checks every option at start-up and reports all failures in one message.</summary>
public sealed class MnemoOptionsValidator : IValidateOptions<MnemoOptions>
{
    /// <summary>The shortest admin key accepted from configuration.</summary>
    public const int MinimumAdminKeyLength = 24;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MnemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AdminKey is { Length: > 0 } adminKey && adminKey.Trim().Length < MinimumAdminKeyLength)
        {
            failures.Add($"Mnemo:AdminKey must be at least {MinimumAdminKeyLength} characters.");
        }
        if (options.Limits.MaxRequestBodyBytes is < 1024 or > 64L * 1024 * 1024)
        {
            failures.Add("Mnemo:Limits:MaxRequestBodyBytes must be between 1024 and 67108864.");
        }
        if (options.Limits.MaxPageSize is < 1 or > 10_000)
        {
            failures.Add("Mnemo:Limits:MaxPageSize must be between 1 and 10000.");
        }
        if (options.Limits.DefaultPageSize < 1 || options.Limits.DefaultPageSize > options.Limits.MaxPageSize)
        {
            failures.Add("Mnemo:Limits:DefaultPageSize must be between 1 and MaxPageSize.");
        }
        var embeddings = options.Embeddings;
        if (embeddings.Provider is not (Recall.EmbeddingOptions.Local or Recall.EmbeddingOptions.OpenAIProvider or Recall.EmbeddingOptions.None))
        {
            failures.Add($"Mnemo:Embeddings:Provider must be 'local', 'openai' or 'none', not '{embeddings.Provider}'.");
        }
        if (embeddings.Provider == Recall.EmbeddingOptions.OpenAIProvider)
        {
            var openAI = embeddings.OpenAI;
            if (openAI.BaseUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
            {
                failures.Add("Mnemo:Embeddings:OpenAI:BaseUrl must be an http(s) address (for example https://api.openai.com/v1).");
            }
            if (string.IsNullOrWhiteSpace(openAI.Model))
            {
                failures.Add("Mnemo:Embeddings:OpenAI:Model is required with the openai provider.");
            }
            if (openAI.Dimensions is < 1 or > 16_384)
            {
                failures.Add("Mnemo:Embeddings:OpenAI:Dimensions must be between 1 and 16384.");
            }
            if (openAI.Timeout <= TimeSpan.Zero || openAI.MaxRetries is < 0 or > 10)
            {
                failures.Add("Mnemo:Embeddings:OpenAI:Timeout must be positive and MaxRetries between 0 and 10.");
            }
        }
        else if (!Recall.LocalModels.IsKnown(embeddings.Model))
        {
            failures.Add($"Mnemo:Embeddings:Model must be '{Recall.LocalModels.MiniLm}' or '{Recall.LocalModels.ArcticXs}', not '{embeddings.Model}'.");
        }
        if (embeddings.Threads is < 1 or > 64)
        {
            failures.Add("Mnemo:Embeddings:Threads must be between 1 and 64.");
        }
        if (embeddings.BatchSize is < 1 or > 1024)
        {
            failures.Add("Mnemo:Embeddings:BatchSize must be between 1 and 1024.");
        }
        if (options.Limits.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add("Mnemo:Limits:RequestTimeout must be positive.");
        }
        if (options.ActivityFlushInterval <= TimeSpan.Zero)
        {
            failures.Add("Mnemo:ActivityFlushInterval must be positive.");
        }
        if (options.Retention.Interval < TimeSpan.FromSeconds(1))
        {
            failures.Add("Mnemo:Retention:Interval must be at least one second.");
        }
        if (options.Retention.BatchSize is < 1 or > 100_000)
        {
            failures.Add("Mnemo:Retention:BatchSize must be between 1 and 100000.");
        }
        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add("Mnemo:ShutdownTimeout must be positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
