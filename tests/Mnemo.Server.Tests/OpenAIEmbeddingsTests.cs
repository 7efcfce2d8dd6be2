using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mnemo.Client;
using Mnemo.Messages;
using Mnemo.Server.Recall;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 15: the <c>openai</c> embeddings provider against an OpenAI-compatible fake on loopback —
/// vectors made and searched, 429s retried, a failing or hanging endpoint answered with 503
/// (semantic) or keyword results that say so (hybrid). The fake embeds a text as a hashed bag of
/// its words, so texts sharing a word are near.
/// </summary>
public sealed class OpenAIEmbeddingsTests : IAsyncLifetime
{
    private const int Dimensions = 64;
    private WebApplication? _fake;
    private MnemoTestServer? _server;
    private int _requests;
    private int _failuresLeft;
    private int _failWith = 200;
    private bool _hang;

    private MnemoTestServer Server => _server!;

    public async Task InitializeAsync()
    {
        _fake = await LoopbackApp.StartAsync(app => app.MapPost("/v1/embeddings", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _requests);
            if (_hang)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            }
            if (_failWith != 200 && (_failuresLeft == -1 || Interlocked.Decrement(ref _failuresLeft) >= 0))
            {
                return Results.Json(new { error = new { message = "fake failure", type = "server_error" } }, statusCode: _failWith);
            }
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var input = body.RootElement.GetProperty("input");
            var texts = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().Select(text => text.GetString()!).ToList() : [input.GetString()!];
            var base64 = body.RootElement.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
            var data = texts.Select((text, index) =>
            {
                var vector = Embed(text);
                object embedding = base64 ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray()) : vector;
                return new Dictionary<string, object> { ["object"] = "embedding", ["index"] = index, ["embedding"] = embedding };
            }).ToList();
            return Results.Json(new Dictionary<string, object>
            {
                ["object"] = "list",
                ["data"] = data,
                ["model"] = "fake-embed",
                ["usage"] = new Dictionary<string, int> { ["prompt_tokens"] = texts.Count, ["total_tokens"] = texts.Count },
            });
        }));
        var address = LoopbackApp.AddressOf(_fake);
        _server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite), new Dictionary<string, string?>
        {
            ["Mnemo:Embeddings:Provider"] = "openai",
            ["Mnemo:Embeddings:OpenAI:BaseUrl"] = $"{address}/v1",
            ["Mnemo:Embeddings:OpenAI:Model"] = "fake-embed",
            ["Mnemo:Embeddings:OpenAI:ApiKey"] = "sk-test",
            ["Mnemo:Embeddings:OpenAI:Timeout"] = "00:00:01",
            ["Mnemo:Embeddings:OpenAI:MaxRetries"] = "2",
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    [Fact]
    public async Task Messages_are_embedded_by_the_endpoint_and_found_by_their_vectors_after_retried_429s()
    {
        var (_, client) = await Server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "I adopted a kitten" });
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "The train leaves at nine" });
        await IndexedAsync(Server);
        var status = await client.Messages.SearchStatusAsync();
        Assert.Equal(("openai", "fake-embed", 2L), (status.Provider, status.Model, status.IndexedMessages));

        (_failWith, _failuresLeft) = (429, 2);
        var before = _requests;
        var found = await client.Messages.SearchAsync("u", "kitten", options: new MessageSearchOptions { Mode = "semantic" });

        Assert.Equal("I adopted a kitten", found.Results[0].Message.Content);
        Assert.Equal(3, _requests - before); // two 429s, then the answer
    }

    [Fact]
    public async Task A_failing_endpoint_is_a_503_for_semantic_search_and_keyword_results_for_hybrid()
    {
        var (_, client) = await Server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "I adopted a kitten" });
        await IndexedAsync(Server);

        (_failWith, _failuresLeft) = (500, -1);
        var failure = await Expect.ProblemAsync(HttpStatusCode.ServiceUnavailable, "semantic_unavailable",
            () => client.Messages.SearchAsync("u", "kitten", options: new MessageSearchOptions { Mode = "semantic" }));
        var hybrid = await client.Messages.SearchAsync("u", "kitten");

        Assert.Equal(("keyword", "unavailable"), (hybrid.Mode, hybrid.Semantic));
        Assert.Equal("I adopted a kitten", Assert.Single(hybrid.Results).Message.Content);
        Assert.NotNull(failure.Problem);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_in_time_is_a_503_within_the_timeout_and_its_retries()
    {
        var (_, client) = await Server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "I adopted a kitten" });
        await IndexedAsync(Server);

        _hang = true;
        var waited = Stopwatch.StartNew();
        await Expect.ProblemAsync(HttpStatusCode.ServiceUnavailable, "semantic_unavailable",
            () => client.Messages.SearchAsync("u", "kitten", options: new MessageSearchOptions { Mode = "semantic" }));

        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"answered after {waited.Elapsed}");
    }

    /// <summary>A hashed bag of words, unit length: texts sharing a word have a positive cosine.</summary>
    private static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // FNV-1a: the same bucket in every run (string.GetHashCode is seeded per process, and a
            // collision between a question's word and another message's made the ranking flaky).
            var hash = 2166136261u;
            foreach (var character in word)
            {
                hash = (hash ^ character) * 16777619u;
            }
            vector[(int)(hash % Dimensions)] += 1;
        }
        var length = MathF.Sqrt(vector.Sum(value => value * value));
        return length == 0 ? vector : [.. vector.Select(value => value / length)];
    }

    /// <summary>Waits (at most a minute) until the server's indexer has drained everything written so far.</summary>
    private static async Task IndexedAsync(MnemoTestServer server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await server.Services.GetRequiredService<EmbeddingIndexer>().WhenBacklogEmptyAsync(timeout.Token);
    }
}
