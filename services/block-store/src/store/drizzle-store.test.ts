/** The BlockStore contract against PGlite (memory) and Postgres (when reachable; always under CI=true). */
import { testDatabaseUrls } from "@cairn/db/testing";
import { runBlockStoreContract } from "../testing/store-contract.ts";

for (const target of await testDatabaseUrls()) runBlockStoreContract(target);
