using System.Globalization;

namespace Mnemo.Bench;

/// <summary>CPU seconds spent during one phase: by the whole machine, and by one process (the server).</summary>
internal readonly record struct CpuUse(double MachineSeconds, double ProcessSeconds);

/// <summary>
/// Where the CPU goes, from Linux's own accounting: busy time of all cores (<c>/proc/stat</c>) and
/// of one process (<c>/proc/&lt;pid&gt;/stat</c>), between two readings. Both count in USER_HZ
/// ticks, which Linux fixes at 100 per second for user space.
/// </summary>
internal sealed class CpuMeter
{
    private const double TicksPerSecond = 100;
    private readonly int? _processId;
    private readonly (long Machine, long Process) _start;

    private CpuMeter(int? processId)
    {
        _processId = processId;
        _start = Read(processId);
    }

    /// <summary>Starts measuring; <paramref name="processId"/> is the process to single out, if any.</summary>
    public static CpuMeter Start(int? processId = null) => new(processId);

    /// <summary>CPU used since <see cref="Start"/>.</summary>
    public CpuUse Stop()
    {
        var (machine, process) = Read(_processId);
        return new CpuUse((machine - _start.Machine) / TicksPerSecond, (process - _start.Process) / TicksPerSecond);
    }

    private static (long Machine, long Process) Read(int? processId)
    {
        // cpu  user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Take(8).Sum() - fields[3] - fields[4];
        if (processId is not { } pid)
        {
            return (busy, 0);
        }
        // The command name may hold spaces: fields are counted from the closing parenthesis (utime is 14th, stime 15th).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (busy, long.Parse(after[11], CultureInfo.InvariantCulture) + long.Parse(after[12], CultureInfo.InvariantCulture));
    }
}
