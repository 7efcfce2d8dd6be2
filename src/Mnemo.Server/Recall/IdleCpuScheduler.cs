using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Mnemo.Server.Recall;

/// <summary>
/// Runs work on one thread of its own at the lowest CPU priority the OS gives (Linux: nice 19), so
/// the indexer's embedding uses the CPU the API leaves idle: under load, appends and reads get the
/// cores and indexing waits; when the server is quiet, indexing runs at full speed. Elsewhere than
/// Linux the thread runs at the lowest managed priority.
/// </summary>
public sealed partial class IdleCpuScheduler : TaskScheduler, IDisposable
{
    private const int ProcessPriority = 0; // PRIO_PROCESS: with a thread id, that one thread.
    private const int Lowest = 19;
    private readonly BlockingCollection<Task> _work = [];
    private readonly Thread _thread;

    /// <summary>Starts the thread.</summary>
    public IdleCpuScheduler()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "mnemo-embedding", Priority = ThreadPriority.Lowest };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the idle-priority thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, this);

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

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
        // The thread finishes what it holds (at most one model call) before the queue goes.
        _thread.Join();
        _work.Dispose();
    }

    private void Run()
    {
        if (OperatingSystem.IsLinux())
        {
            // Lowering one's own priority needs no privilege; failing to is harmless.
            _ = SetPriority(ProcessPriority, GetThreadId(), Lowest);
        }
        foreach (var task in _work.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
