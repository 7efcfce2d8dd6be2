using Mnemo.Storage;

namespace Mnemo.Testing;

/// <summary>
/// A group write that holds a commit worker until released, so that writes queued meanwhile form
/// one batch behind it (on a single-writer backend, always).
/// </summary>
public sealed class BusyWriter
{
    private readonly TaskCompletionSource _gate;
    private readonly Task<bool> _blocker;

    private BusyWriter(TaskCompletionSource gate, Task<bool> blocker)
    {
        _gate = gate;
        _blocker = blocker;
    }

    /// <summary>Starts holding a worker of <paramref name="database"/>'s group commit, with a write of <paramref name="tenantId"/>.</summary>
    public static async Task<BusyWriter> StartAsync(MnemoDatabase database, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(database);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = database.GroupWriteAsync(tenantId, "0-blocker", async (_, _) =>
        {
            started.SetResult();
            await gate.Task;
            return true;
        }, CancellationToken.None);
        await started.Task;
        return new BusyWriter(gate, blocker);
    }

    /// <summary>Lets the worker go and waits for its write to commit.</summary>
    public async Task ReleaseAsync()
    {
        _gate.SetResult();
        await _blocker;
    }
}
