// What an attacker types stays text, the page's policy is never violated, and another
// user's ids typed into the address bar show "not found".
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, guardedPage, launch, otherUserWithData, registerThroughUi } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const payloads = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "\"><svg onload=alert(3)>"];

test("markup in a client's name renders as text, and nothing runs", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await guardedPage(context);
  await registerThroughUi(page, "hostile");
  for (const name of payloads) {
    await page.goto(`${BASE}/app/clients/new`);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Default currency").fill("EUR");
    await page.getByRole("button", { name: "Add client" }).click();
    await page.getByRole("heading", { name }).waitFor();
  }
  await page.goto(`${BASE}/app/clients`);
  for (const name of payloads) await page.getByRole("link", { name, exact: true }).waitFor();
  assert.equal(await page.locator("main img, main script, main svg").count(), 0, "no element was made from a name");
  // The same names in the invoice screens (the client picker and the list).
  await page.goto(`${BASE}/app/invoices/new`);
  await page.locator("select[name=client_id] option", { hasText: payloads[0] }).waitFor({ state: "attached" });
  assert.equal(await page.locator("select[name=client_id] option", { hasText: payloads[0] }).textContent(), payloads[0]);
  assert.deepEqual(page.incidents, [], "no dialog, no CSP violation, no script error");
  await context.close();
});

test("another user's client and invoice ids show not found", { timeout: 60_000 }, async () => {
  const other = await otherUserWithData();
  const context = await browser.newContext();
  const page = await guardedPage(context);
  await registerThroughUi(page, "nosy");
  for (const [path, heading] of [
    [`/app/clients/${other.client.id}`, "Client not found"],
    [`/app/invoices/${other.invoice.id}`, "Invoice not found"],
    [`/app/invoices/${other.invoice.id}/edit`, "Invoice not found"],
    ["/app/invoices/not-a-uuid", "Invoice not found"],
    ["/app/nowhere", "Page not found"],
  ]) {
    await page.goto(`${BASE}${path}`);
    await page.getByRole("heading", { name: heading }).waitFor();
    assert.equal(await page.getByText("Secret work").count(), 0);
    assert.equal(await page.getByText("Their client").count(), 0);
  }
  assert.deepEqual(page.incidents, []);
  await context.close();
});

test("the page's own headers forbid framing, sniffing and other origins", async () => {
  const reply = await fetch(`${BASE}/app/invoices`, { headers: { Accept: "text/html" } });
  assert.equal(reply.status, 200);
  const csp = reply.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.equal(reply.headers.get("x-content-type-options"), "nosniff");
  assert.equal(reply.headers.get("x-frame-options"), "DENY");
  assert.equal(reply.headers.get("referrer-policy"), "same-origin");
  assert.equal(reply.headers.get("cache-control"), "no-store");
});
