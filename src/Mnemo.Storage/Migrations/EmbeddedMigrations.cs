using System.Globalization;
using System.Reflection;

namespace Mnemo.Storage.Migrations;

/// <summary>Loads the numbered <c>.sql</c> files embedded under <c>Migrations/&lt;Backend&gt;/</c>.</summary>
public static class EmbeddedMigrations
{
    /// <summary>The migrations for <paramref name="dialect"/>, in version order.</summary>
    public static IReadOnlyList<Migration> For(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var folder = dialect.Name switch
        {
            "sqlite" => "Sqlite",
            "postgres" => "Postgres",
            _ => throw new ArgumentException($"No migrations for '{dialect.Name}'.", nameof(dialect)),
        };
        var assembly = typeof(EmbeddedMigrations).Assembly;
        var resourcePrefix = $"{assembly.GetName().Name}.Migrations.{folder}.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            var fileName = resource[resourcePrefix.Length..];
            migrations.Add(new Migration(ParseVersion(fileName), fileName, Read(assembly, resource)));
        }
        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        return migrations;
    }

    private static int ParseVersion(string fileName)
    {
        var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0 || !int.TryParse(fileName.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Migration '{fileName}' must be named NNNN_description.sql.");
        }
        return version;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
