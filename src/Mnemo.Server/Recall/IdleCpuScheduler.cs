using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Mnemo.Server.Hosting;

namespace Mnemo.Server.Recall;

/// <summary>
/// Runs work on threads of its own that only get the CPU no one else wants (Linux: the SCHED_IDLE
/// policy, below nice 19: a waking request thread takes the core at once, where a nice-19 thread
/// keeps it until the scheduler's next tick), so the indexer's embedding uses the CPU the API and
/// the database leave idle. Elsewhere than Linux the threads run at the lowest managed priority.
/// One model call runs on one thread (ONNX with one intra-op thread runs on its caller's), so every
/// CPU second of indexing is at that priority: ONNX's own thread pool would run at normal priority.
/// </summary>
public sealed partial class IdleCpuScheduler : TaskScheduler, IDisposable
{
    private const int SchedIdle = 5; // SCHED_IDLE; with a thread id, sched_setscheduler sets that one thread.
    private const int ProcessPriority = 0; // PRIO_PROCESS: with a thread id, setpriority sets that one thread.
    private const int Lowest = 19;
    private readonly BlockingCollection<Task> _work = [];
    private readonly Thread[] _threads;

    /// <summary>Starts the threads: <c>Mnemo:Embeddings:Threads</c> of them.</summary>
    public IdleCpuScheduler(IOptions<MnemoOptions> options)
    {
        _threads = [.. Enumerable.Range(0, options.Value.Embeddings.Threads).Select(i =>
            new Thread(Run) { IsBackground = true, Name = $"mnemo-embedding-{i}", Priority = ThreadPriority.Lowest })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on the idle-priority thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, this);

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <inheritdoc />
    protected override void QueueTask(Task task) => _work.Add(task);

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => [.. _work];

    /// <inheritdoc />
    public void Dispose()
    {
        _work.CompleteAdding();
        // Each thread finishes what it holds (at most one model call) before the queue goes.
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        _work.Dispose();
    }

    private void Run()
    {
        if (OperatingSystem.IsLinux())
        {
            // Lowering one's own priority needs no privilege. Where SCHED_IDLE is refused (musl's
            // sched_setscheduler is not implemented), the lowest nice value is the next best.
            var noPriority = 0; // struct sched_param { int sched_priority; }, 0 for SCHED_IDLE
            if (SetScheduler(GetThreadId(), SchedIdle, ref noPriority) != 0)
            {
                _ = SetPriority(ProcessPriority, GetThreadId(), Lowest);
            }
        }
        foreach (var task in _work.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler")]
    private static partial int SetScheduler(int threadId, int policy, ref int parameters);

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
