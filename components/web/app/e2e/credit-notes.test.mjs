// Crediting an invoice through the screens: part of a sent invoice taken back by one of
// its lines in part (more than the line's quantity refused next to it), then by an amount
// at one of its rates (a credit past what is left refused next to its field), each credit
// note listed with its own number and its PDF downloaded, the balance lowered; and a
// credit on a paid invoice paid back and recorded. Every page axe-clean.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, axe, confirmAddress, guardedPage, launch, shotOf, signInThroughUi, uniqueEmail } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("a sent invoice is credited in part and reads as such", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("credit-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  await confirmAddress(email);
  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  const client = (await apiCall("POST", "/clients", { token, body: { name: "Acme GmbH", default_currency: "EUR" } })).json;
  const draft = (
    await apiCall("POST", "/invoices", {
      token,
      body: {
        client_id: client.id,
        lines: [
          { description: "Workshop day", quantity: 3, unit_price: 80000, tax_rate: "19" },
          { description: "Travel", quantity: 1, unit_price: 12000, tax_rate: "0" },
        ],
      },
    })
  ).json;
  const sent = await apiCall("POST", `/invoices/${draft.id}/send`, { token });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  assert.equal(sent.json.total, 297600);

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.goto(`${BASE}/app/invoices/${draft.id}`);
  await page.getByRole("heading", { name: "Credit this invoice" }).waitFor();

  // One workshop day of three was cancelled: that line, one of its quantity. More days
  // than the line has are refused next to the line's quantity.
  await page.getByLabel("What to credit").selectOption("lines");
  await page.getByRole("checkbox", { name: /Workshop day/ }).check();
  const days = page.getByLabel("Quantity of “Workshop day” to credit");
  assert.equal(await days.inputValue(), "3", "the whole line until told otherwise");
  await days.fill("4");
  await page.getByRole("button", { name: "Issue credit note" }).click();
  await page.getByRole("alert").filter({ hasText: "at most the line's quantity (3)" }).waitFor();
  await days.fill("1");
  await page.getByLabel("Reason").fill("One workshop day cancelled");
  await page.getByRole("button", { name: "Issue credit note" }).click();
  const notes = page.getByRole("table", { name: "Credit notes" });
  await notes.getByRole("cell", { name: /^CRN-\d{4}-0001$/ }).waitFor();
  await notes.getByRole("cell", { name: "One workshop day cancelled" }).waitFor();
  await notes.getByRole("cell", { name: "952.00 EUR" }).waitFor();
  await page.getByTestId("balance").filter({ hasText: "2,024.00 EUR" }).waitFor();

  // The travel was not needed either: 120.00 net at 0 %.
  await page.getByLabel("What to credit").selectOption("amount");
  await page.getByLabel("Net amount (EUR)").fill("120.00");
  await page.getByLabel("Tax rate").selectOption("0");
  await page.getByLabel("Reason").fill("No travel");
  await page.getByRole("button", { name: "Issue credit note" }).click();
  await notes.getByRole("cell", { name: /^CRN-\d{4}-0002$/ }).waitFor();
  await page.getByTestId("balance").filter({ hasText: "1,904.00 EUR" }).waitFor();

  // The credit note is a document of its own: its PDF downloads under its number.
  const number = await notes.getByRole("cell", { name: /^CRN-\d{4}-0001$/ }).textContent();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    notes.getByRole("button", { name: `Download ${number} as PDF` }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${number}.pdf`);
  const pdf = await readFile(await download.path());
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");

  // More than is left is refused next to the amount, and nothing changes.
  await page.getByLabel("Net amount (EUR)").fill("2000.00");
  await page.getByRole("button", { name: "Issue credit note" }).click();
  await page.getByRole("alert").filter({ hasText: "left to credit" }).waitFor();
  const server = await apiCall("GET", `/invoices/${draft.id}`, { token });
  assert.equal(server.json.amount_credited, 107200);
  assert.deepEqual(
    server.json.credit_notes.map((c) => [c.lines.map((l) => [l.description, l.quantity]), c.total]),
    [
      [[["Workshop day", "1"]], 95200],
      [[[`Credit on ${server.json.number}`, "1"]], 12000],
    ],
  );
  assert.equal(server.json.status, "sent");

  assert.deepEqual(await axe(page), []);
  await shotOf(page.locator("section[aria-labelledby=invoice-title]"), "invoice-credited");
  await context.close();
});

test("a credit on a paid invoice is paid back and recorded", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("refund-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  await confirmAddress(email);
  const login = async () => (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  let token = await login();
  const client = (await apiCall("POST", "/clients", { token, body: { name: "Acme GmbH", default_currency: "EUR" } })).json;
  const draft = (
    await apiCall("POST", "/invoices", {
      token,
      body: { client_id: client.id, lines: [{ description: "Workshop day", quantity: 2, unit_price: 50000 }] },
    })
  ).json;
  assert.equal((await apiCall("POST", `/invoices/${draft.id}/send`, { token })).status, 200);
  assert.equal((await apiCall("POST", `/invoices/${draft.id}/payments`, { token, body: { amount: 100000 } })).status, 201);
  const credited = await apiCall("POST", `/invoices/${draft.id}/credit-notes`, { token, body: { amount: 50000, reason: "One day cancelled" } });
  assert.equal(credited.status, 201, JSON.stringify(credited.json));
  assert.equal(credited.json.owed_back, 50000);

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.goto(`${BASE}/app/invoices/${draft.id}`);
  await page.getByRole("heading", { name: "Money owed back" }).waitFor();
  await page.getByText("The client paid 500.00 EUR more than the invoice now charges").waitFor();
  // More than is owed is refused next to the amount.
  await page.getByLabel("Refunded (EUR)").fill("600.00");
  await page.getByRole("button", { name: "Record refund" }).click();
  await page.getByRole("alert").filter({ hasText: "500.00 EUR" }).first().waitFor();
  await page.getByLabel("Refunded (EUR)").fill("500.00");
  await page.getByLabel("How").fill("Bank transfer");
  assert.deepEqual(await axe(page), []);
  await page.getByRole("button", { name: "Record refund" }).click();
  await page.getByRole("heading", { name: "Money owed back" }).waitFor({ state: "detached" });
  await page.getByRole("table", { name: "Credit notes" }).getByRole("cell", { name: "500.00 EUR" }).nth(1).waitFor();

  token = await login();
  const server = (await apiCall("GET", `/invoices/${draft.id}`, { token })).json;
  assert.equal(server.amount_refunded, 50000);
  assert.equal(server.owed_back, 0);
  assert.equal(server.credit_notes[0].refunds[0].method, "Bank transfer");
  assert.deepEqual(page.incidents, []);
  await context.close();
});
