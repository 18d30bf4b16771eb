// A monthly retainer through the screens: set up from the editor (the live total and the
// next dates while typing, a first date on the 31st), its next dates shown on the 31st or
// the month's last day, paused and resumed, and every screen axe-clean.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PASSWORD, apiCall, axe, guardedPage, launch, shotOf, signInThroughUi, uniqueEmail } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("a monthly template is set up and its next dates seen", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("recurring-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  const client = (await apiCall("POST", "/clients", { token, body: { name: "Acme GmbH", default_currency: "EUR" } })).json;

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Recurring" }).click();
  await page.getByRole("heading", { name: "Recurring invoices" }).waitFor();
  await page.getByText("No recurring invoices yet").waitFor();
  await page.getByRole("link", { name: "New recurring invoice" }).click();
  await page.getByRole("heading", { name: "New recurring invoice" }).waitFor();

  await page.getByLabel("Client").selectOption(client.id);
  await page.getByLabel("First date").fill("2099-01-31");
  await page.getByLabel("Time zone").fill("Europe/Berlin");
  const line = page.getByRole("group", { name: "Line 1" });
  await line.getByLabel("Description").fill("Monthly retainer");
  await line.getByLabel("Unit price (EUR)").fill("1500.00");
  await line.getByLabel("Tax %").fill("19");
  await page.getByRole("table", { name: "Totals while typing" }).getByText("1,785.00 EUR").waitFor();
  // The next dates while the schedule is written, before anything is saved.
  const preview = page.getByRole("complementary", { name: "Next dates" });
  await preview.getByText("2099-05-31").waitFor();
  assert.deepEqual(await preview.getByRole("listitem").allTextContents(), ["2099-01-31", "2099-02-28", "2099-03-31", "2099-04-30", "2099-05-31"]);
  assert.deepEqual(await axe(page), []);

  // A count that is not a number is refused next to its field, and nothing is created.
  await page.getByLabel("Ends").selectOption("count");
  await page.getByLabel("Number of invoices").fill("twelve");
  await page.getByRole("button", { name: "Create recurring invoice" }).click();
  await page.locator("input[name=count][aria-invalid=true]").waitFor();
  await page.getByRole("alert").filter({ hasText: "must be a whole number" }).first().waitFor();
  assert.equal((await apiCall("GET", "/recurring-invoices", { token })).json.items.length, 0);
  await page.getByLabel("Number of invoices").fill("2");
  await preview.getByText("2099-03-31").waitFor({ state: "detached" });
  assert.deepEqual(await preview.getByRole("listitem").allTextContents(), ["2099-01-31", "2099-02-28"]);
  await page.getByLabel("Number of invoices").fill("12");
  await page.getByRole("button", { name: "Create recurring invoice" }).click();

  await page.getByRole("heading", { name: /Monthly retainer/ }).waitFor();
  const dates = page.getByRole("list", { name: "Next dates" });
  assert.deepEqual(await dates.getByRole("listitem").allTextContents(), ["2099-01-31", "2099-02-28", "2099-03-31", "2099-04-30", "2099-05-31"]);
  await page.getByText("1,785.00 EUR, due 30 days after its date, left as a draft").waitFor();
  assert.deepEqual(await axe(page), []);
  await shotOf(page.locator("section[aria-labelledby=recurring-title]"), "recurring");

  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Resume" }).waitFor();
  await page.getByText("Paused: nothing is made").waitFor();
  const [template] = (await apiCall("GET", "/recurring-invoices", { token })).json.items;
  assert.equal(template.status, "paused");
  assert.equal(template.count, 12);
  await page.getByRole("button", { name: "Resume" }).click();
  await page.getByRole("button", { name: "Pause" }).waitFor();

  // Changed from the editor: the name, and what each invoice is due in.
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Name").fill("Acme retainer");
  await page.getByLabel("Payment terms (days)").fill("14");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("due 14 days after its date").waitFor();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Recurring" }).click();
  await page.getByRole("table", { name: "Recurring invoices" }).getByRole("link", { name: "Acme retainer" }).waitFor();
  assert.deepEqual(page.incidents, []);
  await context.close();
});
