-- Custom SQL migration file, put your code below! --
-- Fills main_chain for blocks stored before it existed: the highest committed block and its
-- stored ancestors, down to the first missing one (the same walk as refreshMainChain in
-- src/store/drizzle-store.ts, on an empty table).
WITH RECURSIVE head AS (
  SELECT id, height FROM blocks WHERE committed ORDER BY height DESC NULLS LAST, seq LIMIT 1
), walk(id, previous, height) AS (
  SELECT b.id, b.previous, b.height FROM blocks b JOIN head h ON b.id = h.id
  UNION ALL
  SELECT b.id, b.previous, b.height FROM walk w JOIN blocks b ON b.id = w.previous AND b.height = w.height - 1
)
INSERT INTO main_chain (height, block_id) SELECT height, id FROM walk;
