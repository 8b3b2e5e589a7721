/**
 * The BlockStore contract against PGlite (memory) and Postgres (when reachable; always under
 * CI=true), and on Postgres once more with lookups through a separate read pool (the read-replica
 * path; a real replica's lag is tested in read-replica.test.ts).
 */
import { testDatabaseUrls } from "@cairn/db/testing";
import { databaseSubject, runBlockStoreContract } from "../testing/block-store-contract.ts";

for (const target of await testDatabaseUrls()) {
  runBlockStoreContract(databaseSubject(target));
  if (target.kind === "postgres") runBlockStoreContract(databaseSubject(target, { separateReadPool: true }));
}
