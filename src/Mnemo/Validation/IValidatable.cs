namespace Mnemo.Validation;

/// <summary>A request that checks its own fields after it has been read.</summary>
public interface IValidatable
{
    /// <summary>Adds one entry to <paramref name="errors"/> for every bad field.</summary>
    void Validate(ValidationErrors errors);
}
