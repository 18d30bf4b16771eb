// Moving the account to another address through the screens: asked for on the Security
// page, confirmed from the link in the new mailbox, and undone from the link the old
// one got — axe-clean on every screen on the way.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, axe, emailedLink, guardedPage, launch, shot, signInThroughUi, uniqueEmail } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("the address moves from the new mailbox's link and comes back from the old one's", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("mover-ui");
  const moved = uniqueEmail("moved-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.goto(`${BASE}/app/security`);
  const form = page.getByRole("form", { name: "Change the address" });
  await form.getByLabel("New e-mail address").fill("not an address");
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "E-mail me a link" }).click();
  await page.getByText("is not a valid email address").waitFor();
  await form.getByLabel("New e-mail address").fill(moved);
  await form.getByLabel("Your password").fill("not my password");
  await form.getByRole("button", { name: "E-mail me a link" }).click();
  await page.getByText("is not your current password").waitFor();
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "E-mail me a link" }).click();
  await page.getByRole("status").filter({ hasText: "a link to confirm it is on its way" }).waitFor();
  assert.deepEqual(await axe(page), []);
  await shot(page, "email-change-asked");

  // Opened in the same browser, signed in: this session goes on at the new address.
  await page.goto(await emailedLink(moved, "Confirm your new e-mail address"));
  await page.getByRole("heading", { name: "Confirm your new address" }).waitFor();
  await page.getByRole("status").filter({ hasText: `is now ${moved}` }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.goto(`${BASE}/app/security`);
  await page.getByText(`${moved} — confirmed.`).waitFor();

  // The old mailbox was told, with a way back that asks before it acts.
  const undo = await emailedLink(email, "Your e-mail address was changed");
  const other = await browser.newContext({ bypassCSP: true });
  const owner = await guardedPage(other);
  await owner.goto(undo);
  await owner.getByRole("heading", { name: "Put your old address back" }).waitFor();
  assert.deepEqual(await axe(owner), []);
  await owner.getByRole("button", { name: "Put my old address back" }).click();
  await owner.getByRole("status").filter({ hasText: "Your old address is back" }).waitFor();
  await shot(owner, "email-change-undone");
  await owner.getByRole("link", { name: "choose a new password" }).waitFor();
  assert.equal((await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).status, 200);
  assert.equal((await apiCall("POST", "/auth/login", { body: { email: moved, password: PASSWORD } })).status, 401);

  // Spent: a second click says so.
  await owner.reload();
  await owner.getByRole("button", { name: "Put my old address back" }).click();
  await owner.getByText("already used").waitFor();
  assert.deepEqual(page.incidents, []);
  assert.deepEqual(owner.incidents, []);
  await other.close();
  await context.close();
});
