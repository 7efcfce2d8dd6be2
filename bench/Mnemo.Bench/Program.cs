// Mnemo benchmarks against a real server over a real database: each starts Mnemo.Server as a
// process of its own (the Release build) and drives it with wrk (append, scale) or the typed
// client (context, retention, crash). PostgreSQL is a throwaway cluster started from the
// installed binaries (or MNEMO_TEST_POSTGRES); append gives it PostgreSQL's default durability.
// Results print as a table and go to bench/results/<name>-<backend>.json.
//
//   dotnet run -c Release --project bench/Mnemo.Bench -- context [--backend postgres|sqlite]
//       [--messages 10000] [--requests 2000] [--concurrency 1]
//   dotnet run -c Release --project bench/Mnemo.Bench -- append [--backend postgres|sqlite] [--concurrency 32] [--seconds 10] [--pooler none|pgbouncer]
//   dotnet run -c Release --project bench/Mnemo.Bench -- scale [--messages 10000000] [--concurrency 32] [--seconds 10]
//   dotnet run -c Release --project bench/Mnemo.Bench -- crash [--backend postgres|sqlite] [--concurrency 16] [--seconds 6]
//   dotnet run -c Release --project bench/Mnemo.Bench -- retention [--expired 1000000]
//       [--concurrency 32] [--seconds 10]
//   dotnet run -c Release --project bench/Mnemo.Bench -- recall --data ../shared/locomo-dev [--backend sqlite|postgres]
//       [--model snowflake-arctic-embed-xs|all-MiniLM-L6-v2] [--threads 2]
//       (LoCoMo conversations loaded one user each; recall@k of keyword, semantic and hybrid search and an in-process BM25)
//   dotnet run -c Release --project bench/Mnemo.Bench -- recall-latency [--backend sqlite|postgres] [--model ...] [--sizes 1000,10000,100000]
//       (search p50/p95 for one user with 1,000, 10,000 and 100,000 messages)
//   dotnet run -c Release --project bench/Mnemo.Bench -- mcp-overhead [--backend sqlite|postgres] [--messages 1000] [--requests 500]
//       (the same search for the same user through the MCP tool recall and through REST, alternating: p50/p95 of each)
//   dotnet run -c Release --project bench/Mnemo.Bench -- serve [--backend postgres|sqlite] [--concurrency 32] [--seconds 10]
//       (append's store and server kept up with its wrk commands printed, for profiling by hand)
using Mnemo.Bench;

var mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "context";
var options = BenchOptions.Parse(args.SkipWhile(arg => !arg.StartsWith('-')).ToArray());
switch (mode)
{
    case "context":
        await ContextBench.RunAsync(options);
        return 0;
    case "append":
        await AppendBench.RunAsync(options);
        return 0;
    case "scale":
        await ScaleBench.RunAsync(options);
        return 0;
    case "crash":
        return await CrashDrill.RunAsync(options);
    case "retention":
        await RetentionBench.RunAsync(options);
        return 0;
    case "recall":
        await RecallBench.RunAsync(options);
        return 0;
    case "recall-latency":
        await RecallLatencyBench.RunAsync(options);
        return 0;
    case "mcp-overhead":
        await McpOverheadBench.RunAsync(options);
        return 0;
    case "serve":
        await ServeMode.RunAsync(options);
        return 0;
    default:
        await Console.Error.WriteLineAsync($"unknown benchmark '{mode}': use context, append, scale, crash, retention, recall, recall-latency, mcp-overhead or serve");
        return 2;
}
