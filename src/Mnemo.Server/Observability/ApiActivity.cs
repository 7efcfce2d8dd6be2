using System.Diagnostics;

namespace Mnemo.Server.Observability;

/// <summary>
/// How much of the time this node's API spent answering requests: background work yields to a
/// busy API, not to a quiet one that answers a request now and then (a dashboard polling status).
/// Busy time is wall time with at least one request in flight, so a burst of concurrent requests
/// counts once.
/// </summary>
public sealed class ApiActivity
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private long _busySince;
    private long _busyTicks;

    /// <summary>A request began.</summary>
    public void RequestStarted()
    {
        lock (_gate)
        {
            if (_inFlight++ == 0)
            {
                _busySince = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>A request ended (answered, failed or aborted).</summary>
    public void RequestEnded()
    {
        lock (_gate)
        {
            if (--_inFlight == 0)
            {
                _busyTicks += Stopwatch.GetTimestamp() - _busySince;
            }
        }
    }

    /// <summary>Busy time so far, in <see cref="Stopwatch"/> ticks, the current stretch included.</summary>
    private long BusyTicks()
    {
        lock (_gate)
        {
            return _inFlight > 0 ? _busyTicks + (Stopwatch.GetTimestamp() - _busySince) : _busyTicks;
        }
    }

    /// <summary>The share (0 to 1) of the time since <paramref name="since"/> that the API was busy.</summary>
    public double BusyShare(Reading since)
    {
        var wall = Stopwatch.GetTimestamp() - since.Timestamp;
        return wall <= 0 ? 0 : Math.Clamp((double)(BusyTicks() - since.BusyTicks) / wall, 0, 1);
    }

    /// <summary>A point to measure the busy share from.</summary>
    public Reading Read() => new(Stopwatch.GetTimestamp(), BusyTicks());

    /// <summary>A wall-clock timestamp and the busy ticks at it.</summary>
    public readonly record struct Reading(long Timestamp, long BusyTicks);
}
