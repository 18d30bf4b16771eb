// The settings a freelancer sets once for getting paid: Stripe connected for "Pay now"
// (the key typed once, never shown again), and how the e-mails to clients read — each
// refusal under its field, nothing refused saved.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PASSWORD, apiCall, guardedPage, launch, registerThroughUi, shotOf } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const KEY = "sk_test_51SettingsScreenKey000000000000000000000000000Ab12";

test("Stripe is connected from the settings, its key never shown again, and disconnected", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await guardedPage(context);
  const email = await registerThroughUi(page, "stripe");
  const card = page.getByRole("region", { name: "Card payments (Stripe)" });
  await card.getByText("Not connected").waitFor();
  const field = card.getByLabel("Stripe secret key");
  await field.fill("pk_test_51ThisIsThePublishableOne");
  await card.getByRole("button", { name: "Connect Stripe" }).click();
  await card.locator(".field", { has: page.getByLabel("Stripe secret key") }).locator(".error").getByText(/publishable/).waitFor();
  assert.equal(await field.getAttribute("aria-invalid"), "true");
  assert.equal(await field.getAttribute("type"), "password", "not shown while typed");

  await field.fill(KEY);
  await card.getByRole("button", { name: "Connect Stripe" }).click();
  await card.getByText("Connected with a test key ending in").waitFor();
  await card.getByText("Ab12").waitFor();
  assert.equal(await card.getByLabel("Replace the secret key").inputValue(), "", "the key is not kept in the form");
  assert.ok(!(await page.content()).includes("SettingsScreenKey"), "nowhere on the page");
  await shotOf(card, "settings-stripe");

  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  assert.equal((await apiCall("GET", "/payments/stripe-connection", { token })).json.key_last4, "Ab12");
  await card.getByRole("button", { name: "Disconnect" }).click();
  await card.getByText("Not connected").waitFor();
  assert.equal((await apiCall("GET", "/payments/stripe-connection", { token })).json.connected, false);
  assert.deepEqual(page.incidents, []);
  await context.close();
});

test("the e-mail settings refuse a misspelt placeholder under its field and keep what was saved", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await guardedPage(context);
  const email = await registerThroughUi(page, "mailsettings");
  const mails = page.getByRole("region", { name: "E-mails to clients" });
  const subject = mails.getByLabel("Invoice subject");
  await subject.fill("Invoice {nummer} from us");
  await mails.getByRole("button", { name: "Save e-mail settings" }).click();
  await mails.locator(".field", { has: page.getByLabel("Invoice subject") }).locator(".error").getByText(/\{nummer\}/).waitFor();
  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  assert.equal((await apiCall("GET", "/delivery-settings", { token })).json.invoice_subject, null, "nothing saved");

  await subject.fill("Invoice {number} — {amount}");
  await mails.getByLabel("Remind clients of overdue invoices").check();
  await mails.getByLabel("Days after the due date").fill("5, 15");
  await mails.getByLabel("Final notice").fill("Last call before a collection agency.");
  await mails.getByRole("button", { name: "Save e-mail settings" }).click();
  await mails.getByText("Saved.").waitFor();
  const stored = (await apiCall("GET", "/delivery-settings", { token })).json;
  assert.equal(stored.invoice_subject, "Invoice {number} — {amount}");
  assert.deepEqual([stored.reminders_enabled, stored.reminder_days], [true, [5, 15]]);

  await page.reload();
  await page.getByRole("region", { name: "E-mails to clients" }).getByLabel("Days after the due date").waitFor();
  const again = page.getByRole("region", { name: "E-mails to clients" });
  assert.equal(await again.getByLabel("Days after the due date").inputValue(), "5, 15");
  assert.equal(await again.getByLabel("Remind clients of overdue invoices").isChecked(), true);
  await again.getByLabel("Days after the due date").fill("5, soon");
  await again.getByRole("button", { name: "Save e-mail settings" }).click();
  await again.locator(".field", { has: page.getByLabel("Days after the due date") }).locator(".error").waitFor();
  assert.deepEqual((await apiCall("GET", "/delivery-settings", { token })).json.reminder_days, [5, 15], "the refused days changed nothing");
  await shotOf(again, "settings-emails");
  assert.deepEqual(page.incidents, []);
  await context.close();
});
