// Getting back in through the screens: "Forgot your password?" on the sign-in screen,
// the link from the e-mail the mailer sent (read from the provider's stand-in), a new
// password, and signing in with it — axe-clean on every screen on the way; then the
// Security page ends the session left on another device.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, axe, emailedLink, eventually, guardedPage, launch, shot, signInThroughUi, uniqueEmail } from "./lib.mjs";

const NEW_PASSWORD = "a brand new horse battery";
let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("a forgotten password is reset from the e-mailed link, axe-clean on the way", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("forgot-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  const left = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await page.goto(`${BASE}/app/login`);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "E-mail me a link" }).click();
  await page.getByRole("status").filter({ hasText: "on its way" }).waitFor();

  const link = await emailedLink(email, "Reset your password");
  assert.ok(link.startsWith(BASE), `${link} opens this app`);
  await page.goto(link);
  await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set the password" }).click();
  await page.getByText("must be at least 8 characters").waitFor();
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set the password" }).click();
  await page.getByRole("status").filter({ hasText: "Your password is set" }).waitFor();
  await shot(page, "password-reset");

  // The session left open elsewhere ended with the reset.
  assert.equal((await apiCall("GET", "/auth/profile", { token: left })).status, 401);
  // The link is spent: opening it again says so, and offers a new one.
  await page.goto(link);
  await page.reload();
  await page.getByLabel("New password").fill("yet another password");
  await page.getByRole("button", { name: "Set the password" }).click();
  await page.getByRole("link", { name: "Ask for a new link" }).waitFor();

  await page.getByRole("link", { name: "Ask for a new link" }).click();
  await page.goto(`${BASE}/app/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  assert.deepEqual(page.incidents, []);
  await context.close();
});

test("the security page confirms the address, lists the devices and signs the others out", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("security-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  const phone = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.getByRole("link", { name: "Security" }).click();
  await page.getByRole("heading", { name: "Security", level: 1 }).waitFor();
  await page.getByText("not confirmed yet").waitFor();
  await page.getByRole("cell", { name: /this one/ }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Sign out", exact: true }).count(), 1, "the phone can be signed out");
  await page.getByRole("cell", { name: "Signed in" }).first().waitFor();
  assert.deepEqual(await axe(page), []);
  await shot(page, "security");

  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await eventually(async () => assert.equal(await page.getByRole("button", { name: "Sign out", exact: true }).count(), 0));
  assert.equal((await apiCall("GET", "/auth/profile", { token: phone })).status, 401);

  // The link from the registration e-mail confirms the address, signed in or not.
  const link = await emailedLink(email, "Confirm your e-mail address");
  await page.goto(link);
  await page.getByRole("status").filter({ hasText: "Your address is confirmed" }).waitFor();
  await page.goto(`${BASE}/app/security`);
  await page.getByText("confirmed.").waitFor();
  assert.deepEqual(page.incidents, []);
  await context.close();
});
