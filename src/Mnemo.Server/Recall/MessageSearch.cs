using Mnemo.Messages;
using Mnemo.Recall;

namespace Mnemo.Server.Recall;

/// <summary>
/// Message search, the one use case behind the HTTP search, the context's relevant messages and
/// the MCP recall tool. <c>keyword</c> ranks by relevance with any word matching;
/// <c>semantic</c> by the cosine of the question's vector and the messages'; <c>hybrid</c> fuses
/// the two by their scores, each list's normalised to z-scores (CombSUM over zero-mean, unit-variance
/// scores, Montague and Aslam 2001), so neither scale has to be calibrated against the other and a
/// clear winner in one list keeps its lead. A message one list did not return counts that list's
/// lowest score. Measured on LoCoMo (docs/recall.md), this beats reciprocal rank fusion, which
/// throws the score gaps away, and either retriever alone at every depth.
/// </summary>
public sealed class MessageSearch(IMessageStore messages, IRecallStore recall, Embeddings embeddings)
{
    /// <summary>The search modes.</summary>
    public static readonly IReadOnlyList<string> Modes = ["hybrid", "semantic", "keyword"];

    /// <summary>How many messages a tenant-wide semantic search compares, newest first.</summary>
    public const int TenantScanLimit = 50_000;

    /// <summary>How many messages one user's semantic search compares, newest first.</summary>
    public const int UserScanLimit = 100_000;

    /// <summary>How deep a search ranks: results beyond it are not paged (400).</summary>
    public const int MaxDepth = 1_000;

    private const int MinimumDepth = 100;

    // Semantic scans running at once on this node; more wait their turn.
    private static readonly SemaphoreSlim Scans = new(Environment.ProcessorCount * 2);

    /// <summary>
    /// One page (<paramref name="offset"/>, <paramref name="limit"/>) of the results for
    /// <paramref name="question"/>. <paramref name="mode"/> null means hybrid when semantic recall
    /// is on, else keyword. A hybrid search while the model loads answers keyword results and says so.
    /// </summary>
    /// <exception cref="SemanticSearchUnavailableException">Semantic mode asked for while it is off or not loaded.</exception>
    public async Task<SearchOutcome> SearchAsync(
        string tenantId, string? userId, string question, string? mode, RecallFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        var asked = mode ?? (embeddings.Enabled ? "hybrid" : "keyword");
        var depth = Math.Min(MaxDepth + 1, Math.Max(MinimumDepth, offset + limit + 1));
        var semanticState = embeddings.State;
        // The keyword ranking is read while the question is embedded, and beside the semantic one
        // (each on a connection of its own): a hybrid search takes the longer of the two.
        var keywordSearch = asked == "semantic"
            ? Task.FromResult<IReadOnlyList<SearchHit>>([])
            : messages.SearchAsync(tenantId, userId, question, filter, depth, 0, cancellationToken);
        float[]? questionVector = null;
        try
        {
            questionVector = asked == "keyword" ? null : await embeddings.EmbedQuestionAsync(question, cancellationToken);
        }
        catch (SemanticSearchUnavailableException unavailable) when (asked == "hybrid")
        {
            // The embeddings endpoint is down: a hybrid search answers by keyword and says so.
            semanticState = unavailable.State;
        }
        catch
        {
            await Task.WhenAny(keywordSearch); // not left running unobserved
            throw;
        }
        if (asked == "semantic" && questionVector is null)
        {
            throw new SemanticSearchUnavailableException(embeddings.State);
        }
        var used = asked == "hybrid" && questionVector is null ? "keyword" : asked;

        var semanticSearch = questionVector is null
            ? Task.FromResult<IReadOnlyList<NearMessage>>([])
            : NearestAsync(tenantId, userId, filter, questionVector, depth, cancellationToken);
        await Task.WhenAll(keywordSearch, semanticSearch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var keyword = await keywordSearch;
        var semantic = await semanticSearch;

        var ranked = used switch
        {
            "keyword" => keyword.Select(hit => new Ranked(hit.Message.Id, hit.Rank, ["keyword"])).ToList(),
            "semantic" => semantic.Select(hit => new Ranked(hit.MessageId, hit.Cosine, ["semantic"])).ToList(),
            _ => Fuse(keyword, semantic),
        };
        var page = ranked.Skip(offset).Take(limit).ToList();
        var byKeyword = keyword.ToDictionary(hit => hit.Message.Id);
        var missing = page.Where(hit => !byKeyword.ContainsKey(hit.MessageId)).Select(hit => hit.MessageId).ToList();
        var fetched = (await recall.MessagesAsync(tenantId, missing, cancellationToken)).ToDictionary(message => message.Id);
        // Snippets for the page only (where the ranking did not make them already).
        var snippets = await messages.SnippetsAsync(tenantId, question,
            [.. page.Select(hit => byKeyword.GetValueOrDefault(hit.MessageId)).Where(hit => hit is { Snippet: null }).Select(hit => hit!.Message.Seq)], cancellationToken);
        var results = new List<SearchResult>(page.Count);
        foreach (var hit in page)
        {
            // A message deleted since it was ranked is left out of the page.
            var message = byKeyword.TryGetValue(hit.MessageId, out var keywordHit) ? keywordHit.Message : fetched.GetValueOrDefault(hit.MessageId);
            if (message is not null)
            {
                results.Add(new SearchResult
                {
                    Message = message,
                    Score = hit.Score,
                    Rank = hit.Score,
                    MatchedBy = hit.MatchedBy,
                    Snippet = keywordHit?.Snippet ?? (keywordHit is null ? null : snippets.GetValueOrDefault(message.Seq)),
                });
            }
        }
        return new SearchOutcome(results, HasMore: ranked.Count > offset + limit, used, semanticState);
    }

    private async Task<IReadOnlyList<NearMessage>> NearestAsync(
        string tenantId, string? userId, RecallFilter filter, float[] questionVector, int depth, CancellationToken cancellationToken)
    {
        // Scans are bounded in number as well as in size: each reads up to the scan limit.
        await Scans.WaitAsync(cancellationToken);
        try
        {
            return await recall.NearestAsync(
                tenantId, userId, embeddings.Model!, filter, questionVector, depth, userId is null ? TenantScanLimit : UserScanLimit, cancellationToken);
        }
        finally
        {
            Scans.Release();
        }
    }

    private static List<Ranked> Fuse(IReadOnlyList<SearchHit> keyword, IReadOnlyList<NearMessage> semantic)
    {
        var fused = new Dictionary<Guid, (double Score, List<string> MatchedBy)>();
        var keywordScores = ZScores([.. keyword.Select(hit => hit.Rank)]);
        var semanticScores = ZScores([.. semantic.Select(hit => hit.Cosine)]);
        var ids = keyword.Select(hit => hit.Message.Id).Concat(semantic.Select(hit => hit.MessageId)).Distinct().ToList();
        foreach (var id in ids)
        {
            fused[id] = (keywordScores.Lowest + semanticScores.Lowest, []);
        }
        void Add(Guid id, double score, double lowest, string by)
        {
            var (total, matchedBy) = fused[id];
            matchedBy.Add(by);
            fused[id] = (total - lowest + score, matchedBy);
        }
        for (var i = 0; i < keyword.Count; i++)
        {
            Add(keyword[i].Message.Id, keywordScores.Scores[i], keywordScores.Lowest, "keyword");
        }
        for (var i = 0; i < semantic.Count; i++)
        {
            Add(semantic[i].MessageId, semanticScores.Scores[i], semanticScores.Lowest, "semantic");
        }
        return [.. fused.Select(pair => new Ranked(pair.Key, pair.Value.Score, pair.Value.MatchedBy))
            .OrderByDescending(hit => hit.Score).ThenByDescending(hit => hit.MessageId)];
    }

    /// <summary>The scores as z-scores (one list: all 0), and the lowest of them (0 for an empty list).</summary>
    private static (double[] Scores, double Lowest) ZScores(double[] scores)
    {
        if (scores.Length == 0)
        {
            return ([], 0);
        }
        var mean = scores.Average();
        var deviation = Math.Sqrt(scores.Average(score => (score - mean) * (score - mean)));
        var normalised = scores.Select(score => deviation > 0 ? (score - mean) / deviation : 0).ToArray();
        return (normalised, normalised.Min());
    }

    private sealed record Ranked(Guid MessageId, double Score, IReadOnlyList<string> MatchedBy);
}

/// <summary>A page of search results, the mode that answered, and the state of semantic recall (<c>unavailable</c>: the endpoint failed).</summary>
public sealed record SearchOutcome(IReadOnlyList<SearchResult> Results, bool HasMore, string Mode, string Semantic);

/// <summary>Semantic search was asked for while it is off, or while its model is not loaded.</summary>
public sealed class SemanticSearchUnavailableException(string state)
    : Exception($"Semantic search is {state}.")
{
    /// <summary><c>off</c>, <c>loading</c> or <c>failed</c>.</summary>
    public string State { get; } = state;
}
