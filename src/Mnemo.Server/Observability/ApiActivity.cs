using System.Diagnostics;

namespace Mnemo.Server.Observability;

/// <summary>When this node last began answering a request: background work yields while the API is busy.</summary>
public sealed class ApiActivity
{
    private long _lastRequest;

    /// <summary>A request began.</summary>
    public void RequestStarted() => Volatile.Write(ref _lastRequest, Stopwatch.GetTimestamp());

    /// <summary>True when a request began within <paramref name="window"/>.</summary>
    public bool BusyWithin(TimeSpan window)
    {
        var last = Volatile.Read(ref _lastRequest);
        return last != 0 && Stopwatch.GetElapsedTime(last) < window;
    }
}
