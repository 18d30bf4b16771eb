// Deleting the account from the Security page: a wrong password changes nothing, the
// right one ends the account and lands on the sign-in screen, which says so — axe-clean.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, axe, guardedPage, launch, shot, signInThroughUi, uniqueEmail } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("the account is deleted from the security page with the password", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("erase-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  const phone = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  await apiCall("POST", "/clients", { token: phone, body: { name: "Kept until the end" } });

  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.goto(`${BASE}/app/security`);
  const form = page.getByRole("form", { name: "Delete the account" });
  await form.getByText("for good").first().waitFor();
  assert.deepEqual(await axe(page), []);
  await form.getByLabel("Your password").fill("not my password");
  await form.getByRole("button", { name: "Delete my account for good" }).click();
  await form.getByText("is not your current password").waitFor();
  assert.equal((await apiCall("GET", "/clients", { token: phone })).status, 200, "nothing deleted yet");

  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "Delete my account for good" }).click();
  await page.getByRole("status").filter({ hasText: "were deleted" }).waitFor();
  await page.getByRole("heading", { name: "Sign in to Fin-Freelancer" }).waitFor();
  assert.deepEqual(await axe(page), []);
  await shot(page, "account-erased");
  assert.equal((await apiCall("GET", "/clients", { token: phone })).status, 401, "the other device is out");
  assert.equal((await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).status, 401);
  assert.deepEqual(page.incidents, []);
  await context.close();
});
