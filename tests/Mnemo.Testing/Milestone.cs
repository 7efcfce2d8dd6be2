namespace Mnemo.Testing;

/// <summary>Completes once a count reaches a target; <see cref="Again"/> sets the next one.</summary>
public sealed class Milestone(int target)
{
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _target = target;

    public Task Task => Volatile.Read(ref _reached).Task;

    public void Reached(int count)
    {
        if (count >= Volatile.Read(ref _target))
        {
            Volatile.Read(ref _reached).TrySetResult();
        }
    }

    public Task Again(int next)
    {
        Volatile.Write(ref _reached, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _target, next);
        return Task;
    }
}
