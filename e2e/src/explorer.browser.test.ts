/**
 * The explorer in a real browser: Debian's chromium driven by playwright-core loads the page a
 * dev node's gateway serves at `/`, waits for its live feed, sends a KOIN transfer with koilib and
 * watches it appear in the latest transactions without a reload, opens its transaction page and
 * finds the receipt and the decoded transfer event; a screenshot of each step goes to
 * `e2e/screenshots/` (git-ignored). Under CI=true a missing chromium fails the test; elsewhere
 * it is skipped with a notice.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, Provider, Signer, utils } from "koilib";
import { type Browser, chromium } from "playwright-core";
import { type E2eTarget, startTarget } from "./target.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ci = process.env.CI === "true" || process.env.CI === "1";
const available = existsSync(CHROMIUM);
if (!available && !ci) console.warn(`[e2e] ${CHROMIUM} not found: skipping the explorer browser test (apt-get install chromium; under CI=true this fails).`);
const SCREENSHOTS = join(import.meta.dir, "..", "screenshots");

let target: E2eTarget | undefined;
let browser: Browser | undefined;
const profile = mkdtempSync(join(tmpdir(), "cairn-chromium-"));

beforeAll(async () => {
  if (!available && !ci) return;
  target = await startTarget({ mode: "instant" }, { local: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await target?.stop();
  rmSync(profile, { recursive: true, force: true });
});

test.skipIf(!available && !ci)(
  "loads the explorer, sees a transfer arrive live, opens its transaction page",
  async () => {
    expect(existsSync(CHROMIUM)).toBe(true); // under CI: chromium must be installed
    mkdirSync(SCREENSHOTS, { recursive: true });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    browser = context.browser() ?? undefined;
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${target!.url}/`, { waitUntil: "domcontentloaded" });
      await page.getByTestId("live-state").filter({ hasText: "connected" }).waitFor({ timeout: 30_000 });
      const heightBefore = Number(await page.getByTestId("head-height").textContent());
      await page.screenshot({ path: join(SCREENSHOTS, "explorer-home.png"), fullPage: true });

      // A transfer from dev account 0 to 1, as a koilib user sends it.
      const provider = new Provider(target!.url);
      const signer = Signer.fromSeed(`${target!.seed} 0`);
      signer.provider = provider;
      const koin = new Contract({ id: "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL", abi: utils.tokenAbi, provider, signer }).functions;
      const to = Signer.fromSeed(`${target!.seed} 1`).getAddress();
      const { transaction } = await koin.transfer!({ from: signer.getAddress(), to, value: "250000000" });
      const txId = transaction!.id!;

      // It appears without a reload, pushed over the WebSocket.
      const row = page.locator(`[data-testid="tx-row"][data-tx="${txId}"]`);
      await row.waitFor({ timeout: 30_000 });
      expect(Number(await page.getByTestId("head-height").textContent())).toBeGreaterThan(heightBefore);
      await page.screenshot({ path: join(SCREENSHOTS, "explorer-live-transfer.png"), fullPage: true });

      await row.getByTestId("tx-link").click();
      await page.getByTestId("tx-title").waitFor({ timeout: 15_000 });
      expect(await page.getByTestId("tx-id").textContent()).toBe(txId);
      expect(await page.getByTestId("tx-status").textContent()).toBe("applied");
      const decoded = JSON.parse((await page.getByTestId("event-decoded").first().textContent()) ?? "{}");
      expect(decoded).toEqual({ from: signer.getAddress(), to, value: "250000000" });
      expect(await page.getByTestId("receipt").textContent()).toContain(txId);
      await page.screenshot({ path: join(SCREENSHOTS, "explorer-transaction.png"), fullPage: true });

      // The payer's account page: balance and mana in KOIN.
      await page.goto(`${target!.url}/#/account/${to}`);
      await page.getByTestId("balance").waitFor({ timeout: 15_000 });
      expect(await page.getByTestId("balance").textContent()).toContain("KOIN");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  },
  180_000,
);
