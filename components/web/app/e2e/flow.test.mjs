// The money loop as a freelancer does it, through the screens only: register, add a
// client, draft an invoice with two lines and a discount, send it, record a partial
// payment, see it on the dashboard, log out — and the old session no longer works.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, eventually, guardedPage, launch, pngLogo, registerThroughUi, shot, shotOf } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("register → client → invoice → send → partial payment → dashboard → log out", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await guardedPage(context);
  let lastToken = null;
  page.on("request", (r) => {
    const auth = r.headers().authorization;
    if (auth?.startsWith("Bearer ")) lastToken = auth.slice(7);
  });

  const email = await registerThroughUi(page, "flow");

  // The business profile: the seller every invoice names.
  await page.getByLabel("Legal name").fill("Ada Lovelace Consulting");
  await page.getByLabel("VAT / tax id").fill("DE123456789");
  await page.getByLabel("Street and number").fill("Unter den Linden 1");
  await page.getByLabel("Postal code").fill("10117");
  await page.getByLabel("City").fill("Berlin");
  await page.getByLabel("Country").fill("DE");
  // A Peppol id with a typo (a GLN's check digit) is refused next to its field.
  await page.getByLabel("Peppol participant id").fill("0088:5790000435967");
  await page.getByRole("button", { name: "Save profile" }).click();
  await page.getByRole("alert").filter({ hasText: "not a valid GLN" }).waitFor();
  await page.getByLabel("Peppol participant id").fill("");
  await page.getByRole("button", { name: "Save profile" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  await page.getByLabel("Upload a logo").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: pngLogo() });
  await page.getByText("A logo is printed on your documents.").waitFor();
  await shot(page, "flow-settings");

  // A client.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" }).click();
  await page.getByRole("link", { name: "New client" }).click();
  await page.getByLabel("Name").fill("Acme GmbH");
  await page.getByLabel("Email").fill("billing@acme.example");
  await page.getByLabel("Default currency").fill("EUR");
  await page.getByLabel("Street and number").fill("Hauptstr. 1");
  await page.getByLabel("City").fill("Munich");
  await page.getByLabel("Country").fill("DE");
  await page.getByRole("button", { name: "Add client" }).click();
  await page.getByRole("heading", { name: "Acme GmbH" }).waitFor();

  // An invoice with two lines and a 10 % discount; the totals are the server's.
  await page.getByRole("link", { name: "New invoice" }).click();
  await page.getByRole("heading", { name: "New invoice" }).waitFor();
  assert.equal(await page.getByLabel("Client").inputValue(), page.url().split("client_id=")[1], "the client comes preselected");
  const line = (n) => page.getByRole("group", { name: `Line ${n}` });
  await line(1).getByLabel("Description").fill("Design work");
  await line(1).getByLabel("Quantity").fill("10");
  await line(1).getByLabel("Unit price (EUR)").fill("80.00");
  await line(1).getByLabel("Tax %").fill("19");
  await page.getByRole("button", { name: "Add line" }).click();
  await line(2).getByLabel("Description").fill("Hosting");
  await line(2).getByLabel("Quantity").fill("1");
  await line(2).getByLabel("Unit price (EUR)").fill("25.50");
  await line(2).getByLabel("Tax %").fill("19");
  await page.getByLabel("Kind").selectOption("percent");
  await page.getByLabel("Discount %").fill("10");
  // The total while typing is the server's sum of what is on the screen.
  const live = page.getByRole("table", { name: "Totals while typing" });
  await live.getByText("884.11 EUR").waitFor();
  await line(2).getByLabel("Quantity").fill("2");
  await live.getByText("911.42 EUR").waitFor();
  await line(2).getByLabel("Quantity").fill("1");
  await live.getByText("884.11 EUR").waitFor();
  assert.equal(await page.getByLabel("Currency").inputValue(), "", "the client's currency unless another is chosen");
  await page.getByLabel("Currency").getByRole("option", { name: "The client's (EUR)" }).waitFor({ state: "attached" });
  await shot(page, "invoice-edit");
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.getByRole("button", { name: "Send" }).waitFor();
  const totals = page.getByRole("table", { name: "Totals" });
  // 10 × 80.00 + 25.50 = 825.50; −10 % = 742.95; 19 % tax = 141.16; total 884.11.
  for (const figure of ["825.50 EUR", "82.55 EUR", "141.16 EUR", "884.11 EUR"]) {
    await totals.getByText(figure).first().waitFor();
  }
  const invoiceUrl = page.url();
  const invoiceId = invoiceUrl.split("/").pop();
  const server = await apiCall("GET", `/invoices/${invoiceId}`, { token: lastToken });
  assert.equal(server.json.total, 88411, "the screen shows what the server computed");

  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Sent", { exact: true }).first().waitFor();
  // Which e-invoice it makes: plain EN 16931, the client being unreachable on Peppol, and
  // each gap points at the screen that mends it.
  const facts = page.locator("dl.facts");
  await facts.getByText("EN 16931 (not Peppol)").waitFor();
  await facts.getByRole("listitem").filter({ hasText: "buyer.peppol_id" }).getByRole("link", { name: "client" }).waitFor();
  await facts.getByRole("listitem").filter({ hasText: "seller.phone" }).getByRole("link", { name: "business profile" }).waitFor();
  await shotOf(facts, "invoice-einvoice");
  // The mailer e-mails it to the client; the screen follows the delivery until it is out.
  await page.getByRole("region", { name: "E-mail to the client" }).getByText(/E-mailed to billing@acme\.example/).waitFor({ timeout: 30_000 });

  // A partial payment.
  await page.getByLabel("Amount (EUR)").fill("300.00");
  await page.getByLabel("Method").fill("Bank transfer");
  await page.getByRole("button", { name: "Record payment" }).click();
  await page.getByTestId("balance").filter({ hasText: "584.11 EUR" }).waitFor();
  await shot(page, "flow-invoice");

  // The dashboard, once the projector has applied the events.
  await eventually(async () => {
    await page.goto(`${BASE}/app`);
    await page.getByRole("heading", { name: "Outstanding" }).waitFor();
    await page.locator(".figure", { hasText: "Outstanding" }).getByText("584.11 EUR").waitFor({ timeout: 1000 });
  }, 30_000);
  await page.getByRole("img", { name: /Bar chart of invoiced and received EUR/ }).waitFor();
  await shot(page, "flow-dashboard");

  // Log out: the page forgets the session, and the server ends it.
  const cookies = await context.cookies(`${BASE}/auth/refresh`);
  const refresh = cookies.find((c) => c.name === "fin_refresh");
  assert.ok(refresh, "the refresh cookie is set");
  assert.equal(refresh.httpOnly, true);
  assert.equal(refresh.secure, true);
  assert.equal(refresh.sameSite, "Strict");
  assert.equal(refresh.path, "/auth/refresh");
  assert.equal(await page.evaluate(() => document.cookie.includes("fin_refresh")), false, "script cannot read it");
  assert.equal(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)), "{}{}", "no token in web storage");
  const token = lastToken;
  assert.equal((await apiCall("GET", "/auth/profile", { token })).status, 200);

  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Sign in to Fin-Freelancer" }).waitFor();
  assert.equal((await apiCall("GET", "/auth/profile", { token })).status, 401, "the access token is revoked");
  const replay = await apiCall("POST", "/auth/refresh", { cookie: `fin_refresh=${refresh.value}` });
  assert.equal(replay.status, 401, "the refresh token is revoked");
  await page.reload();
  await page.getByRole("heading", { name: "Sign in to Fin-Freelancer" }).waitFor();

  // Back in by keyboard alone.
  await page.keyboard.press("Tab");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content", "the first stop skips the navigation");

  assert.deepEqual(page.incidents, []);
  await context.close();
});
