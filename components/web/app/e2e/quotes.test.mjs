// A quote through the screens and the client's page: written in the one document
// editor (the live total while typing), sent — e-mailed to the client — and a second link
// made; the client opens the e-mail's link in a browser of its own and accepts it by
// typing a name; the freelancer sees the answer, makes it an invoice, once, and sends
// that. Every screen axe-clean, the client's page too.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  PASSWORD,
  apiCall,
  axe,
  confirmAddress,
  emailedLink,
  guardedPage,
  launch,
  shot,
  shotOf,
  signInThroughUi,
  uniqueEmail,
} from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("a quote is sent, accepted on its link and made an invoice", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("quotes-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  // Quotes go out by e-mail, like invoices: from a confirmed address.
  await confirmAddress(email);
  const buyer = uniqueEmail("quotes-ui-buyer");
  const client = (await apiCall("POST", "/clients", { token, body: { name: "Acme GmbH", email: buyer, default_currency: "EUR" } }))
    .json;

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Quotes" }).click();
  await page.getByRole("heading", { name: "Quotes" }).waitFor();
  await page.getByText("No quotes yet").waitFor();
  await page.getByRole("link", { name: "New quote" }).click();
  await page.getByRole("heading", { name: "New quote" }).waitFor();

  await page.getByLabel("Client").selectOption(client.id);
  // Valid for 60 days: a quote binds for at most a year.
  const validUntil = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Valid until").fill(validUntil);
  const line = page.getByRole("group", { name: "Line 1" });
  await line.getByLabel("Description").fill("Brand workshop");
  await line.getByLabel("Quantity").fill("2");
  await line.getByLabel("Unit price (EUR)").fill("900.00");
  await line.getByLabel("Tax %").fill("19");
  await page.getByRole("table", { name: "Totals while typing" }).getByText("2,142.00 EUR").waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByRole("button", { name: "Create quote" }).click();

  await page.getByRole("heading", { name: /Quote QUO-\d{4}-0001/ }).waitFor();
  await page.getByText(validUntil).waitFor();
  await page.getByText("Draft", { exact: true }).waitFor();
  // The PDF as the freelancer downloads it: a file named by the quote's number.
  const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download PDF" }).click()]);
  assert.match(pdf.suggestedFilename(), /^QUO-\d{4}-0001\.pdf$/);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Awaiting answer").waitFor();
  await page.getByText(`E-mailed to ${buyer}`).waitFor();
  // A second link, for a chat message: shown once, beside the e-mail's.
  await page.getByRole("button", { name: "Create a link" }).click();
  assert.match(await page.getByLabel("Quote link").inputValue(), /\/share\/quotes\/[A-Za-z0-9_-]{43}$/);
  // The page reads the quote again after showing the link: wait for the second row.
  await page.getByRole("button", { name: "Revoke" }).nth(1).waitFor();
  assert.equal(await page.getByRole("button", { name: "Revoke" }).count(), 2);
  assert.deepEqual(await axe(page), []);
  await shotOf(page.locator("section[aria-labelledby=quote-title]"), "quote");

  // The client: the link in the e-mail, opened in a browser of its own, no login, the
  // page's own CSP enforced.
  const url = await emailedLink(buyer, "Quote QUO-", /https?:\/\/\S+\/share\/quotes\/[A-Za-z0-9_-]{43}/);
  const theirs = await browser.newContext();
  const clientPage = await guardedPage(theirs);
  await clientPage.goto(url);
  await clientPage.getByRole("heading", { name: /Quote QUO-/ }).waitFor();
  await clientPage.getByText("2,142.00").first().waitFor();
  await shot(clientPage, "quote-page");
  await clientPage.getByLabel("Your name").fill("Grace Hopper");
  await clientPage.getByLabel("A note (optional)").fill("Can we start in January?");
  await clientPage.getByRole("button", { name: "Accept the quote" }).click();
  await clientPage.getByText("Thank you: your acceptance is recorded.").waitFor();
  await clientPage.getByText("Accepted by Grace Hopper").waitFor();
  assert.equal(await clientPage.getByRole("button", { name: "Accept the quote" }).count(), 0, "no second answer offered");
  assert.deepEqual(clientPage.incidents, [], "the page runs under its own CSP");
  const axeContext = await browser.newContext({ bypassCSP: true });
  const checked = await axeContext.newPage();
  await checked.goto(url);
  assert.deepEqual(await axe(checked), []);
  await axeContext.close();
  await theirs.close();

  // Back with the freelancer: the answer, then one invoice.
  await page.reload();
  await page.getByText("Accepted by Grace Hopper").waitFor();
  await page.getByText("Can we start in January?").waitFor();
  await page.getByRole("button", { name: "Make it an invoice" }).click();
  await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
  await page.getByText("Brand workshop").first().waitFor();
  // Linked both ways: the invoice names its quote.
  await page.getByRole("link", { name: /^QUO-\d{4}-0001$/ }).waitFor();
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Sent", { exact: true }).first().waitFor();
  // The suite's access tokens live seconds (the screens renew theirs): a new one here.
  const again = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  const [quote] = (await apiCall("GET", "/quotes", { token: again })).json.items;
  assert.equal(quote.status, "accepted");
  assert.ok(quote.invoice_id);
  assert.equal((await apiCall("GET", "/invoices", { token: again })).json.items.length, 1);
  await page.goto(new URL(`/app/quotes/${quote.id}`, url).href);
  await page.getByRole("link", { name: "Open its invoice" }).waitFor();
  assert.deepEqual(page.incidents, []);
  await context.close();
});
