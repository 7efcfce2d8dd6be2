-- Seed 002: a create retried with the same Idempotency-Key returns the first result.
ALTER TABLE tasks ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX tasks_idempotency ON tasks (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE conversations ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX conversations_idempotency ON conversations (tenant_id, user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
