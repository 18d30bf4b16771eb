// Every screen through axe-core (no serious or critical violations), at desktop and
// phone width (no sideways scrolling), the first screen's JavaScript against its
// budget, and the screenshots docs/web.md and the README show.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, SHOTS, apiCall, axe, launch, shot, signInThroughUi, uniqueEmail, confirmAddress } from "./lib.mjs";

const PHONE_WIDTH = 390;
let browser;
let account;
before(async () => {
  browser = await launch();
  account = await seeded();
});
after(async () => browser?.close());

/** An account with something on every screen, made through the API. */
async function seeded() {
  const email = uniqueEmail("a11y");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  await confirmAddress(email);
  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  const auth = { token };
  await apiCall("PUT", "/business-profile", { ...auth, body: { legal_name: "Ada Lovelace Consulting", address: { line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country: "DE" }, tax_id: "DE123456789" } });
  const client = (await apiCall("POST", "/clients", { ...auth, body: { name: "Acme GmbH", email: "billing@acme.example", default_currency: "EUR", address: { city: "Munich", country: "DE" } } })).json;
  const globex = (await apiCall("POST", "/clients", { ...auth, body: { name: "Globex Ltd", email: "ap@globex.example", default_currency: "GBP", address: { city: "London", country: "GB" } } })).json;
  await apiCall("POST", "/clients", { ...auth, body: { name: "Initech Inc.", default_currency: "USD", address: { city: "Austin", country: "US" } } });
  // A few more invoices, so the lists and the dashboard look like a working month.
  const more = [
    [globex, "Workshop", "2", 45000, "20", true, 90000],
    [globex, "Retainer", "1", 120000, "20", true, 0],
    [client, "Audit", "3", 9500, "19", true, 0],
    [client, "Follow-up", "1", 15000, "19", false, 0],
  ];
  for (const [c, description, quantity, unit_price, tax_rate, send, paid] of more) {
    const i = (await apiCall("POST", "/invoices", { ...auth, body: { client_id: c.id, lines: [{ description, quantity, unit_price, tax_rate }] } })).json;
    if (send) await apiCall("POST", `/invoices/${i.id}/send`, auth);
    if (paid) await apiCall("POST", `/invoices/${i.id}/payments`, { ...auth, body: { amount: Math.min(paid, i.total), method: "Bank transfer" } });
  }
  const invoice = (await apiCall("POST", "/invoices", { ...auth, body: { client_id: client.id, lines: [{ description: "Design work", quantity: "10", unit_price: 8000, tax_rate: "19" }, { description: "Hosting", quantity: "1", unit_price: 2550, tax_rate: "19" }], discount: { percent: "10" } } })).json;
  await apiCall("POST", `/invoices/${invoice.id}/send`, auth);
  await apiCall("POST", `/invoices/${invoice.id}/payments`, { ...auth, body: { amount: 30000, method: "Bank transfer" } });
  const recurring = (await apiCall("POST", "/recurring-invoices", { ...auth, body: { client_id: client.id, frequency: "monthly", start_date: "2099-01-31", lines: [{ description: "Monthly retainer", quantity: "1", unit_price: 150000, tax_rate: "19" }] } })).json;
  const quote = (await apiCall("POST", "/quotes", { ...auth, body: { client_id: client.id, lines: [{ description: "Brand workshop", quantity: "2", unit_price: 90000, tax_rate: "19" }] } })).json;
  return { email, client, invoice, recurring, quote };
}

const signIn = (page) => signInThroughUi(page, account.email);

const screens = () => [
  ["dashboard", "/app", "Dashboard"],
  ["clients", "/app/clients", "Clients"],
  ["client", `/app/clients/${account.client.id}`, "Acme GmbH"],
  ["client-new", "/app/clients/new", "New client"],
  ["invoices", "/app/invoices", "Invoices"],
  ["invoice", `/app/invoices/${account.invoice.id}`, account.invoice.number],
  ["invoice-new", "/app/invoices/new", "New invoice"],
  ["quotes", "/app/quotes", "Quotes"],
  ["quote", `/app/quotes/${account.quote.id}`, account.quote.number],
  ["quote-new", "/app/quotes/new", "New quote"],
  ["recurring", "/app/recurring", "Recurring invoices"],
  ["recurring-one", `/app/recurring/${account.recurring.id}`, "Monthly retainer"],
  ["recurring-new", "/app/recurring/new", "New recurring invoice"],
  ["payments", "/app/payments", "Payments received"],
  ["settings", "/app/settings", "Settings"],
  ["security", "/app/security", "Security"],
];

test("axe finds no serious or critical violation on any screen", { timeout: 120_000 }, async () => {
  // axe is injected as a script, which the page's CSP (rightly) forbids: this context
  // alone bypasses it; the other suites run with the policy enforced.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const found = {};
  for (const [name, path, heading] of [["login", "/app/login", "Sign in to Fin-Freelancer"], ["register", "/app/register", "Create your account"], ["forgot-password", "/app/forgot-password", "Forgot your password?"]]) {
    await page.goto(`${BASE}${path}`);
    await page.getByRole("heading", { name: heading }).waitFor();
    found[name] = await axe(page);
  }
  await shot(page, "register");
  await signIn(page);
  for (const [name, path, heading] of screens()) {
    await page.goto(`${BASE}${path}`);
    await page.getByRole("heading", { name: heading }).first().waitFor();
    await page.waitForLoadState("networkidle");
    found[name] = await axe(page);
    await shot(page, name);
  }
  assert.deepEqual(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length)), {});
  await context.close();
});

test("every screen fits a phone's width", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: PHONE_WIDTH, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page);
  const overflowing = [];
  for (const [name, path, heading] of screens()) {
    await page.goto(`${BASE}${path}`);
    await page.getByRole("heading", { name: heading }).first().waitFor();
    await page.waitForLoadState("networkidle");
    // Any visible element past the phone's right edge (not `innerWidth`: mobile
    // emulation widens the layout viewport to fit what overflows).
    const past = await page.evaluate((width) =>
      [...document.querySelectorAll("body *")]
        .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
        .map((e) => `${e.tagName.toLowerCase()}${e.className ? "." + e.className : ""} ends at ${Math.round(e.getBoundingClientRect().right)}px`)
        .slice(0, 3),
    PHONE_WIDTH);
    if (past.length) overflowing.push(`${name}: ${past.join("; ")}`);
    if (name === "invoice" || name === "dashboard") await shot(page, `${name}-phone`);
  }
  assert.deepEqual(overflowing, []);
  await context.close();
});

test("the first screen loads under 150 KB of compressed JavaScript", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts = [];
  page.on("requestfinished", async (request) => {
    if (request.resourceType() !== "script") return;
    const sizes = await request.sizes();
    const response = await request.response();
    scripts.push({ url: new URL(request.url()).pathname, bytes: sizes.responseBodySize, encoding: (await response?.allHeaders())?.["content-encoding"] ?? "identity" });
  });
  await signIn(page);
  await page.getByRole("img", { name: /Bar chart/ }).waitFor();
  await page.waitForTimeout(500);
  const total = scripts.reduce((sum, s) => sum + s.bytes, 0);
  writeFileSync(join(SHOTS, "first-screen-js.json"), JSON.stringify({ total, scripts }, null, 2));
  assert.ok(scripts.every((s) => s.encoding === "br"), `compressed: ${JSON.stringify(scripts)}`);
  assert.ok(total < 150 * 1024, `${total} bytes of JavaScript for sign-in and the dashboard`);
  await context.close();
});
