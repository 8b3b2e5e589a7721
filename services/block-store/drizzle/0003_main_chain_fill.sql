-- Fills main_chain for blocks stored before it existed: the ancestors of the highest committed
-- block (ties: the first stored), from the head down to height 1 or the first missing parent.
-- The same walk as reconcileMainChain in src/store/drizzle-store.ts, on an empty table.
WITH RECURSIVE head AS (
  SELECT id, height FROM blocks WHERE committed ORDER BY height DESC NULLS LAST, seq LIMIT 1
), walk(id, height, previous) AS (
  SELECT b.id, b.height, b.previous FROM blocks b JOIN head h ON b.id = h.id
  UNION ALL
  SELECT b.id, b.height, b.previous FROM walk w JOIN blocks b ON b.id = w.previous WHERE b.height = w.height - 1
)
INSERT INTO main_chain (height, block_id) SELECT height, id FROM walk ON CONFLICT (height) DO NOTHING;
