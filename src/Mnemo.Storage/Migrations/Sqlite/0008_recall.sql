-- Recall (issue 15): a durable backlog of messages to embed, and one vector per message.
-- Triggers keep the backlog: a new message, or an edit of a message's content, puts it there
-- (an edit also drops the old vector). Both tables follow their message out by cascade, so a
-- delete, an erasure, retention or a compression removes vectors in the same transaction.
CREATE TABLE embedding_backlog (
    seq integer PRIMARY KEY,
    tenant_id text NOT NULL,
    message_id text NOT NULL,
    claimed_until integer,
    attempts integer NOT NULL DEFAULT 0,
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX embedding_backlog_message ON embedding_backlog (tenant_id, message_id);

CREATE TABLE message_vectors (
    tenant_id text NOT NULL,
    message_id text NOT NULL,
    user_id text NOT NULL,
    model text NOT NULL,
    vector blob NOT NULL,
    PRIMARY KEY (tenant_id, message_id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX message_vectors_by_user ON message_vectors (tenant_id, user_id, model);

-- A user's vectors change only through these triggers' tables: a version per user that any change
-- moves, so a node may keep the vectors in memory and know when they are stale.
CREATE TABLE vector_versions (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TRIGGER message_vectors_insert AFTER INSERT ON message_vectors BEGIN
    INSERT INTO vector_versions (tenant_id, user_id, version) VALUES (new.tenant_id, new.user_id, 1)
        ON CONFLICT (tenant_id, user_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER message_vectors_update AFTER UPDATE ON message_vectors BEGIN
    INSERT INTO vector_versions (tenant_id, user_id, version) VALUES (new.tenant_id, new.user_id, 1)
        ON CONFLICT (tenant_id, user_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER message_vectors_delete AFTER DELETE ON message_vectors BEGIN
    INSERT INTO vector_versions (tenant_id, user_id, version) VALUES (old.tenant_id, old.user_id, 1)
        ON CONFLICT (tenant_id, user_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER messages_embedding_insert AFTER INSERT ON messages BEGIN
    INSERT INTO embedding_backlog (tenant_id, message_id) VALUES (new.tenant_id, new.id);
END;

CREATE TRIGGER messages_embedding_update AFTER UPDATE OF content ON messages WHEN old.content IS NOT new.content BEGIN
    DELETE FROM message_vectors WHERE tenant_id = new.tenant_id AND message_id = new.id;
    INSERT INTO embedding_backlog (tenant_id, message_id) VALUES (new.tenant_id, new.id)
        ON CONFLICT (tenant_id, message_id) DO UPDATE SET claimed_until = NULL;
END;

-- Keyword recall ranks by relevance over any of the question's words, with English stemming
-- (Porter), so "painting" finds "painted": the full-text index is rebuilt with that tokenizer.
-- The triggers of 0002 write to it by name and stay as they are.
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content,
    content = 'messages',
    content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- Messages written before this migration: all of them wait for their first vector.
INSERT INTO embedding_backlog (tenant_id, message_id) SELECT tenant_id, id FROM messages ORDER BY seq;
