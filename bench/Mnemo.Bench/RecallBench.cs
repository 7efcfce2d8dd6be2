// Recall on LoCoMo (snap-research/locomo, ACL 2024): each conversation of --data loaded as one
// user through the HTTP API, every question of categories 1-4 sent to the search endpoint in
// each mode, recall@k measured against the question's labelled evidence turns. An in-process
// BM25 over the same turns is the reference. The data is read from the path given, never copied.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mnemo.Client;
using Mnemo.Messages;
using Mnemo.Testing;

namespace Mnemo.Bench;

/// <summary>The <c>recall</c> benchmark.</summary>
internal static partial class RecallBench
{
    private static readonly int[] Ks = [1, 5, 10, 25];
    private static readonly string[] Modes = ["keyword", "semantic", "hybrid"];

    public static async Task RunAsync(BenchOptions options)
    {
        var directory = options.Data ?? throw new ArgumentException("recall needs --data DIR (LoCoMo conversations, one JSON file each)");
        var conversations = Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(Conversation.Load).ToList();
        var storage = await TestStores.CreateEmptyAsync(options.Backend);
        var environment = new Dictionary<string, string> { ["Mnemo__Embeddings__Provider"] = "local" };
        if (options.Model is { } model)
        {
            environment["Mnemo__Embeddings__Model"] = model;
        }
        if (options.Threads is { } threads)
        {
            environment["Mnemo__Embeddings__Threads"] = threads;
        }
        await using var server = await BenchServer.StartAsync(storage, environment);
        var (_, client) = await server.NewTenantAsync();

        var load = Stopwatch.StartNew();
        foreach (var conversation in conversations)
        {
            foreach (var batch in conversation.Turns.Chunk(100))
            {
                await client.Messages.AppendAsync(conversation.UserId, new AppendMessagesRequest
                {
                    Messages = [.. batch.Select(turn => new MessageInput
                    {
                        Role = "user",
                        Content = turn.Content,
                        CreatedAt = turn.At,
                        Metadata = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { ["dia_id"] = turn.DiaId })).RootElement,
                    })],
                });
            }
        }
        var turns = conversations.Sum(conversation => conversation.Turns.Count);
        Console.WriteLine($"{conversations.Count} conversations, {turns} turns loaded in {load.Elapsed.TotalSeconds:F1} s");
        // Polled every 200 ms, which the indexer must not mistake for a busy API. The drain rate
        // counts from the first poll that finds the model loaded and the appends done; the warm
        // rate over the backlog's second half, once a fresh process's first model calls (several
        // times slower while the JIT optimises the tokenizer) are behind it.
        var status = await client.Messages.SearchStatusAsync();
        (TimeSpan At, long Pending)? drainFrom = null, secondHalfFrom = null;
        while (status.PendingMessages > 0 || status.Semantic != "ready")
        {
            if (drainFrom is null && status.Semantic == "ready")
            {
                drainFrom = (load.Elapsed, status.PendingMessages);
            }
            if (drainFrom is { } start && secondHalfFrom is null && status.PendingMessages <= start.Pending / 2)
            {
                secondHalfFrom = (load.Elapsed, status.PendingMessages);
            }
            await Task.Delay(200);
            status = await client.Messages.SearchStatusAsync();
        }
        var indexingSeconds = load.Elapsed.TotalSeconds;
        double RateSince((TimeSpan At, long Pending)? from) =>
            from is { } point && load.Elapsed > point.At ? point.Pending / (load.Elapsed - point.At).TotalSeconds : double.NaN;
        var drainRate = RateSince(drainFrom);
        var warmRate = RateSince(secondHalfFrom);
        Console.WriteLine($"indexed in {indexingSeconds:F1} s from the first append: {turns / indexingSeconds:F0} messages/s, "
            + $"{drainRate:F0} messages/s once the model was loaded and the appends done, {warmRate:F0} over the second half ({status.Model})");

        var questions = conversations.SelectMany(conversation => conversation.Questions.Select(question => (conversation, question))).ToList();
        string[] variants = ["fused here: rrf k=60", "fused here: min-max sum", "fused here: z-score sum", "fused here: z-score sum, absent = list's lowest"];
        var recall = Modes.Append("bm25 (in-process)").Concat(variants).ToDictionary(mode => mode, _ => new double[Ks.Length]);
        var latencies = Modes.ToDictionary(mode => mode, _ => new List<double>());
        var bm25 = conversations.ToDictionary(conversation => conversation.UserId, conversation => new Bm25(conversation.Turns.Select(turn => turn.Content).ToList()));
        foreach (var (conversation, question) in questions)
        {
            var lists = new Dictionary<string, IReadOnlyList<SearchResult>>();
            foreach (var mode in Modes)
            {
                var timer = Stopwatch.StartNew();
                var found = await client.Messages.SearchAsync(conversation.UserId, question.Text, limit: 100, options: new MessageSearchOptions { Mode = mode });
                latencies[mode].Add(timer.Elapsed.TotalMilliseconds);
                lists[mode] = found.Results;
                Add(recall[mode], question, [.. found.Results.Select(DiaId)]);
            }
            // Other ways to fuse the same two rankings, for comparison with the server's.
            Add(recall[variants[0]], question, Fuse(lists["keyword"], lists["semantic"], ranked => ranked.Select((result, i) => 1.0 / (61 + i)).ToList()));
            Add(recall[variants[1]], question, Fuse(lists["keyword"], lists["semantic"], MinMax));
            Add(recall[variants[2]], question, Fuse(lists["keyword"], lists["semantic"], ZScore));
            Add(recall[variants[3]], question, Fuse(lists["keyword"], lists["semantic"], ZScore, absentIsLowest: true));
            Add(recall["bm25 (in-process)"], question, [.. bm25[conversation.UserId].Top(question.Text, 25).Select(index => conversation.Turns[index].DiaId)]);
        }

        Console.WriteLine();
        Console.WriteLine($"LoCoMo recall@k, {questions.Count} questions of categories 1-4 over {conversations.Count} conversations ({options.Backend}, {status.Model}):");
        Console.WriteLine("| retriever | @1 | @5 | @10 | @25 | search p50 ms | search p95 ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (mode, sums) in recall)
        {
            var timing = latencies.TryGetValue(mode, out var times) ? $"{Percentile(times, 0.50):F1} | {Percentile(times, 0.95):F1}" : "– | –";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {mode} | {sums[0] / questions.Count:F3} | {sums[1] / questions.Count:F3} | {sums[2] / questions.Count:F3} | {sums[3] / questions.Count:F3} | {timing} |"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"indexing: {turns / indexingSeconds:F0} messages/s from the first append, {drainRate:F0} draining, {warmRate:F0} warm (second half)"));
    }

    private static string DiaId(SearchResult result) => result.Message.Metadata.GetProperty("dia_id").GetString()!;

    private static List<string> Fuse(
        IReadOnlyList<SearchResult> keyword, IReadOnlyList<SearchResult> semantic, Func<IReadOnlyList<SearchResult>, List<double>> normalise,
        bool absentIsLowest = false)
    {
        var ids = keyword.Concat(semantic).Select(DiaId).Distinct(StringComparer.Ordinal).ToList();
        var fused = ids.ToDictionary(id => id, _ => 0.0, StringComparer.Ordinal);
        foreach (var list in new[] { keyword, semantic })
        {
            var scores = normalise(list);
            var byId = list.Select((result, i) => (Id: DiaId(result), Score: scores[i])).ToDictionary(pair => pair.Id, pair => pair.Score, StringComparer.Ordinal);
            var absent = absentIsLowest && scores.Count > 0 ? scores.Min() : 0.0;
            foreach (var id in ids)
            {
                fused[id] += byId.TryGetValue(id, out var score) ? score : absent;
            }
        }
        return [.. fused.OrderByDescending(pair => pair.Value).Select(pair => pair.Key)];
    }

    private static List<double> MinMax(IReadOnlyList<SearchResult> list)
    {
        if (list.Count == 0)
        {
            return [];
        }
        var (min, max) = (list.Min(result => result.Score), list.Max(result => result.Score));
        return [.. list.Select(result => max > min ? (result.Score - min) / (max - min) : 1.0)];
    }

    private static List<double> ZScore(IReadOnlyList<SearchResult> list)
    {
        if (list.Count == 0)
        {
            return [];
        }
        var mean = list.Average(result => result.Score);
        var deviation = Math.Sqrt(list.Average(result => (result.Score - mean) * (result.Score - mean)));
        return [.. list.Select(result => deviation > 0 ? (result.Score - mean) / deviation : 0.0)];
    }

    private static void Add(double[] sums, Question question, IReadOnlyList<string> ranked)
    {
        for (var i = 0; i < Ks.Length; i++)
        {
            var top = ranked.Take(Ks[i]).ToHashSet(StringComparer.Ordinal);
            sums[i] += (double)question.Evidence.Count(top.Contains) / question.Evidence.Count;
        }
    }

    private static double Percentile(List<double> values, double share)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, sorted.Count * share)];
    }

    /// <summary>A LoCoMo turn as Mnemo stores it: speaker prefixed, image caption appended, the session's time.</summary>
    private sealed record Turn(string DiaId, string Content, DateTimeOffset At);

    /// <summary>A question of categories 1-4 and the dia_ids of its evidence turns.</summary>
    private sealed record Question(string Text, IReadOnlyList<string> Evidence);

    private sealed record Conversation(string UserId, IReadOnlyList<Turn> Turns, IReadOnlyList<Question> Questions)
    {
        public static Conversation Load(string path)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var conversation = root.TryGetProperty("conversation", out var wrapped) ? wrapped : root;
            var turns = new List<Turn>();
            for (var session = 1; conversation.TryGetProperty($"session_{session}", out var sessionTurns); session++)
            {
                var at = SessionTime(conversation.GetProperty($"session_{session}_date_time").GetString()!);
                var index = 0;
                foreach (var turn in sessionTurns.EnumerateArray())
                {
                    var content = $"{turn.GetProperty("speaker").GetString()}: {turn.GetProperty("text").GetString()}";
                    if (turn.TryGetProperty("blip_caption", out var caption) && caption.GetString() is { Length: > 0 } text)
                    {
                        content += $" [shares {text}]";
                    }
                    turns.Add(new Turn(turn.GetProperty("dia_id").GetString()!, content, at.AddSeconds(index++)));
                }
            }
            var questions = root.GetProperty("qa").EnumerateArray()
                .Where(qa => qa.TryGetProperty("category", out var category) && category.GetInt32() is >= 1 and <= 4)
                .Select(qa => new Question(qa.GetProperty("question").GetString()!, Evidence(qa)))
                .Where(question => question.Evidence.Count > 0)
                .ToList();
            return new Conversation(Path.GetFileNameWithoutExtension(path), turns, questions);
        }

        /// <summary>"1:56 pm on 8 May, 2023".</summary>
        private static DateTimeOffset SessionTime(string text) =>
            DateTimeOffset.ParseExact(text, ["h:mm tt 'on' d MMMM, yyyy", "h:mm tt 'on' dd MMMM, yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        /// <summary>The evidence dia_ids, normalised: "D:1:3" is "D1:3", and one string may hold several separated by ';' or ','.</summary>
        private static List<string> Evidence(JsonElement qa) =>
            [.. qa.GetProperty("evidence").EnumerateArray()
                .SelectMany(item => item.GetString()!.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(id => id.Replace("D:", "D", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Okapi BM25 (k1 1.2, b 0.75) over lower-cased alphanumeric tokens, as the data's README states its reference.</summary>
    private sealed partial class Bm25
    {
        private readonly List<Dictionary<string, int>> _documents;
        private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
        private readonly double _averageLength;

        public Bm25(IReadOnlyList<string> documents)
        {
            _documents = [.. documents.Select(document => Tokens(document).GroupBy(token => token).ToDictionary(group => group.Key, group => group.Count()))];
            foreach (var term in _documents.SelectMany(document => document.Keys))
            {
                _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
            }
            _averageLength = _documents.Average(document => document.Values.Sum());
        }

        public IEnumerable<int> Top(string query, int count)
        {
            var terms = Tokens(query).Distinct().ToList();
            var n = _documents.Count;
            return _documents
                .Select((document, index) =>
                {
                    var length = document.Values.Sum();
                    var score = terms.Sum(term =>
                    {
                        if (!document.TryGetValue(term, out var frequency))
                        {
                            return 0.0;
                        }
                        var df = _documentFrequency[term];
                        var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
                        return idf * frequency * 2.2 / (frequency + (1.2 * (0.25 + (0.75 * length / _averageLength))));
                    });
                    return (index, score);
                })
                .Where(hit => hit.score > 0)
                .OrderByDescending(hit => hit.score)
                .Take(count)
                .Select(hit => hit.index);
        }

        private static IEnumerable<string> Tokens(string text) => Word().Matches(text.ToLowerInvariant()).Select(match => match.Value);

        [GeneratedRegex("[a-z0-9]+")]
        private static partial Regex Word();
    }
}
