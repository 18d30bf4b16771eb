// The catalogue through the screens: an item added (a mistyped price refused next to its
// field), changed, picked into a new invoice's lines — copied, so deleting the item later
// leaves the invoice as it was — and the page axe-clean.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, axe, guardedPage, launch, shotOf, signInThroughUi, uniqueEmail } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("items are kept in the catalogue and picked into an invoice's lines", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("catalogue-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  const client = (await apiCall("POST", "/clients", { token, body: { name: "Acme GmbH", default_currency: "EUR" } })).json;

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalogue" }).click();
  await page.getByRole("heading", { name: "Catalogue" }).waitFor();

  await page.getByLabel("Item name").fill("Design, per hour");
  await page.getByLabel("Price (EUR)").fill("95,5x");
  await page.getByRole("button", { name: "Add item" }).click();
  await page.getByRole("alert").filter({ hasText: "must be an amount in EUR" }).waitFor();
  await page.getByLabel("Price (EUR)").fill("95.00");
  await page.getByLabel("Item tax %").fill("19");
  await page.getByLabel("Item description").fill("Screens and flows");
  await page.getByRole("button", { name: "Add item" }).click();
  const items = page.getByRole("table", { name: "Items" });
  await items.getByRole("cell", { name: /^Design, per hour Screens/ }).waitFor();

  await page.getByRole("button", { name: "Change Design, per hour" }).click();
  await page.getByLabel("Price (EUR)").fill("100.00");
  await page.getByRole("button", { name: "Save item" }).click();
  await items.getByText(/100\.00 EUR/).waitFor();
  assert.deepEqual(await axe(page), []);
  await shotOf(page.locator("section[aria-labelledby=catalogue-title]"), "catalogue");

  // Picked into a new invoice: the line is filled, the total is the server's.
  await page.goto(`${BASE}/app/invoices/new?client_id=${client.id}`);
  await page.getByRole("heading", { name: "New invoice" }).waitFor();
  await page.getByLabel("Add from the catalogue").selectOption({ label: "Design, per hour — 100.00 EUR" });
  const line = page.getByRole("group", { name: "Line 1" });
  assert.equal(await line.getByLabel("Description").inputValue(), "Design, per hour — Screens and flows");
  assert.equal(await line.getByLabel("Unit price (EUR)").inputValue(), "100.00");
  assert.equal(await line.getByLabel("Tax %").inputValue(), "19");
  await line.getByLabel("Quantity").fill("3");
  await page.getByRole("table", { name: "Totals while typing" }).getByText("357.00 EUR").waitFor();
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.getByRole("button", { name: "Send" }).waitFor();
  const invoiceId = page.url().split("/").pop();

  // Deleting the item leaves the invoice's line as it was.
  const listed = (await apiCall("GET", "/items", { token })).json.items;
  assert.equal((await apiCall("DELETE", `/items/${listed[0].id}`, { token })).status, 204);
  const invoice = (await apiCall("GET", `/invoices/${invoiceId}`, { token })).json;
  assert.equal(invoice.lines[0].description, "Design, per hour — Screens and flows");
  assert.equal(invoice.total, 35700);
  assert.deepEqual(page.incidents, []);
  await context.close();
});
