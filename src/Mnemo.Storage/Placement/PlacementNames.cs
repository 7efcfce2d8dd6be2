namespace Mnemo.Storage.Placement;

/// <summary>Names placement uses.</summary>
public static class PlacementNames
{
    /// <summary>The catalog's id as a database when configuration names none.</summary>
    public const string CatalogId = "default";
}
