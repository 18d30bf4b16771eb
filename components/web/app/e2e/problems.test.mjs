// The server's RFC 9457 problems as a person meets them: a 422 next to the field it
// names (and nothing saved), a 412 or 409 explained as "changed elsewhere — reload".
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, guardedPage, launch, signInThroughUi, uniqueEmail, confirmAddress } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** One account, signed in both in a page and through the API (a second device). */
async function twoDevices(tag) {
  const email = uniqueEmail(tag);
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Two devices" } });
  await confirmAddress(email);
  const token = async () => (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  const context = await browser.newContext();
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  return { context, page, token };
}

test("a 422 is shown next to the field it names, and nothing is saved", { timeout: 60_000 }, async () => {
  const { context, page, token } = await twoDevices("invalid");
  await page.goto(`${BASE}/app/clients/new`);
  await page.getByLabel("Name").fill("Acme GmbH");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Country").fill("ZZ");
  await page.getByRole("button", { name: "Add client" }).click();
  const email = page.getByLabel("Email");
  await page.locator(".field", { has: email }).locator(".error").waitFor();
  assert.equal(await email.getAttribute("aria-invalid"), "true");
  const describedBy = await email.getAttribute("aria-describedby");
  assert.match(await page.locator(`[id="${describedBy}"]`).textContent(), /email|address/i, "the message is tied to the field");
  assert.equal(await page.getByLabel("Country").getAttribute("aria-invalid"), "true", "every field the server names");
  await page.getByText("Please correct the fields marked below.").waitFor();
  const { json } = await apiCall("GET", "/clients", { token: await token() });
  assert.equal(json.items.length, 0, "nothing was saved");

  // A line of an invoice: the error sits under that line's field.
  const good = (await apiCall("POST", "/clients", { token: await token(), body: { name: "Good client", default_currency: "EUR" } })).json;
  await page.goto(`${BASE}/app/invoices/new?client_id=${good.id}`);
  const line = page.getByRole("group", { name: "Line 1" });
  await line.getByLabel("Description").fill("Work");
  await line.getByLabel("Quantity").fill("0");
  await line.getByLabel("Unit price (EUR)").fill("10");
  await page.getByRole("button", { name: "Create draft" }).click();
  await line.locator(".field", { has: page.getByLabel("Quantity") }).locator(".error").waitFor();
  assert.equal(await line.getByLabel("Quantity").getAttribute("aria-invalid"), "true");
  const { json: invoices } = await apiCall("GET", "/invoices", { token: await token() });
  assert.equal(invoices.items.length, 0);
  assert.deepEqual(page.incidents, []);
  await context.close();
});

test("a change made elsewhere meanwhile is explained, with a way to reload", { timeout: 60_000 }, async () => {
  const { context, page, token } = await twoDevices("stale");
  const t = await token();
  const client = (await apiCall("POST", "/clients", { token: t, body: { name: "Acme", default_currency: "EUR" } })).json;
  const draft = (await apiCall("POST", "/invoices", { token: t, body: { client_id: client.id, lines: [{ description: "Work", quantity: "1", unit_price: 1000 }] } })).json;

  // Editing a draft that another device changed: 412.
  await page.goto(`${BASE}/app/invoices/${draft.id}/edit`);
  await page.getByLabel("Notes").fill("From the page");
  const changed = await fetch(`${BASE}/invoices/${draft.id}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${t}`, "Content-Type": "application/json", "If-Match": `"${draft.version}"` },
    body: JSON.stringify({ notes: "From the other device" }),
  });
  assert.equal(changed.status, 200);
  await page.getByRole("button", { name: "Save draft" }).click();
  await page.getByRole("alert").filter({ hasText: "changed elsewhere" }).waitFor();
  const after = (await apiCall("GET", `/invoices/${draft.id}`, { token: t })).json;
  assert.equal(after.notes, "From the other device", "the other change is not overwritten");

  // Sending an invoice the other device already sent: explained, and Reload shows it.
  await page.goto(`${BASE}/app/invoices/${draft.id}`);
  await page.getByRole("button", { name: "Send" }).waitFor();
  const sent = await fetch(`${BASE}/invoices/${draft.id}/send`, { method: "POST", headers: { Authorization: `Bearer ${t}` } });
  assert.equal(sent.status, 200);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("alert").filter({ hasText: /changed elsewhere|reload/i }).waitFor();
  await page.getByRole("button", { name: "Reload" }).click();
  await page.getByText("Sent", { exact: true }).first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Send" }).count(), 0);
  assert.deepEqual(page.incidents, []);
  await context.close();
});
