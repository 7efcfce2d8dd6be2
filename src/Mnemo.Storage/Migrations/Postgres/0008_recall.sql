-- Recall (issue 15): a durable backlog of messages to embed, and one vector per message.
-- Triggers keep the backlog: a new message (one statement-level trigger per insert, over its
-- transition table), or an edit of a message's content, puts it there (an edit also drops the old
-- vector). Both tables follow their message out by cascade, so a delete, an erasure, retention or a
-- compression removes vectors in the same transaction.
CREATE TABLE embedding_backlog (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    message_id uuid NOT NULL,
    claimed_until timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, message_id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE message_vectors (
    tenant_id text NOT NULL,
    message_id uuid NOT NULL,
    user_id text NOT NULL,
    model text NOT NULL,
    vector bytea NOT NULL,
    PRIMARY KEY (tenant_id, message_id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX message_vectors_by_user ON message_vectors (tenant_id, user_id, model);

-- A user's vectors change only through this trigger's table: a version per user that any change
-- moves, so a node may keep the vectors in memory and know when they are stale.
CREATE TABLE vector_versions (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id text NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE FUNCTION message_vectors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO vector_versions (tenant_id, user_id, version) VALUES (OLD.tenant_id, OLD.user_id, 1)
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET version = vector_versions.version + 1;
    ELSE
        INSERT INTO vector_versions (tenant_id, user_id, version) VALUES (NEW.tenant_id, NEW.user_id, 1)
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET version = vector_versions.version + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER message_vectors_changed AFTER INSERT OR UPDATE OR DELETE ON message_vectors
    FOR EACH ROW EXECUTE FUNCTION message_vectors_changed();

CREATE FUNCTION messages_embedding_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO embedding_backlog (tenant_id, message_id) SELECT tenant_id, id FROM inserted ORDER BY seq;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_embedding_insert AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION messages_embedding_insert();

CREATE FUNCTION messages_embedding_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM message_vectors WHERE tenant_id = NEW.tenant_id AND message_id = NEW.id;
    INSERT INTO embedding_backlog (tenant_id, message_id) VALUES (NEW.tenant_id, NEW.id)
        ON CONFLICT (tenant_id, message_id) DO UPDATE SET claimed_until = NULL;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_embedding_update AFTER UPDATE OF content ON messages
    FOR EACH ROW WHEN (OLD.content IS DISTINCT FROM NEW.content) EXECUTE FUNCTION messages_embedding_update();

-- Keyword recall ranks by relevance over any of the question's words: English stemming and stop
-- words, so "painting" finds "painted" and "the" finds nothing.
DROP INDEX messages_search;
ALTER TABLE messages DROP COLUMN search;
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);

-- Messages written before this migration: all of them wait for their first vector.
INSERT INTO embedding_backlog (tenant_id, message_id) SELECT tenant_id, id FROM messages ORDER BY seq;
