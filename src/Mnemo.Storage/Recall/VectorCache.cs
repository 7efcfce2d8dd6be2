using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace Mnemo.Storage.Recall;

/// <summary>
/// Users' vectors kept in memory, each entry stamped with the user's vector version (moved by the
/// database on every change, <c>vector_versions</c>): a search asks the version (one small query),
/// and ranks from memory when it matches instead of reading every vector again. Bounded in bytes;
/// the least recently used entries go first.
/// </summary>
internal sealed class VectorCache(long maxBytes)
{
    private readonly ConcurrentDictionary<(string Tenant, string User, string Model), Entry> _entries = new();
    private long _bytes;

    /// <summary>The largest single entry kept: a user with more vectors is read from the database each time.</summary>
    public long MaxEntryBytes => maxBytes / 4;

    public bool TryGet((string Tenant, string User, string Model) key, long version, out Entry entry)
    {
        if (_entries.TryGetValue(key, out entry!) && entry.Version == version)
        {
            entry.LastUsed = Environment.TickCount64;
            return true;
        }
        return false;
    }

    public void Set((string Tenant, string User, string Model) key, Entry entry)
    {
        if (entry.Bytes > MaxEntryBytes)
        {
            return;
        }
        if (_entries.TryGetValue(key, out var old) && _entries.TryRemove(KeyValuePair.Create(key, old)))
        {
            Interlocked.Add(ref _bytes, -old.Bytes);
        }
        if (_entries.TryAdd(key, entry))
        {
            Interlocked.Add(ref _bytes, entry.Bytes);
        }
        foreach (var (oldest, stale) in _entries.OrderBy(pair => pair.Value.LastUsed).ToList())
        {
            if (Interlocked.Read(ref _bytes) <= maxBytes)
            {
                break;
            }
            if (_entries.TryRemove(KeyValuePair.Create(oldest, stale)))
            {
                Interlocked.Add(ref _bytes, -stale.Bytes);
            }
        }
    }

    /// <summary>One user's vectors of one model, newest first, laid end to end.</summary>
    public sealed class Entry(long version, Guid[] ids, float[] vectors, int dimensions)
    {
        public long Version { get; } = version;

        public long Bytes { get; } = (ids.Length * 16L) + (vectors.Length * 4L);

        public long LastUsed { get; set; } = Environment.TickCount64;

        /// <summary>Each message's cosine with <paramref name="question"/>, handed to <paramref name="rank"/>.</summary>
        public void Rank(float[] question, Action<Guid, float> rank)
        {
            if (question.Length != dimensions)
            {
                return;
            }
            for (var i = 0; i < ids.Length; i++)
            {
                rank(ids[i], TensorPrimitives.Dot(question, vectors.AsSpan(i * dimensions, dimensions)));
            }
        }
    }
}
