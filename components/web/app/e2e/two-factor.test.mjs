// Two-factor sign-in through the screens: set up on the Security page from the key shown
// (the codes computed here, as an authenticator app would: RFC 6238, HMAC-SHA-1), the
// recovery codes shown once, then a sign-in that asks for a code, one with a recovery
// code, and turning it off — axe-clean on every screen on the way.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, axe, guardedPage, launch, registerThroughUi, shot, shotOf } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** RFC 4648 base32 (no padding) to bytes. */
function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The six digits an authenticator app shows `steps` 30-second steps from now. */
function totp(secret, steps = 0) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + steps));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

async function signInWithPassword(page, email) {
  await page.goto(`${BASE}/app/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Enter your sign-in code" }).waitFor();
}

test("two-factor sign-in is set up from the QR code's key and asked for at every sign-in", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await guardedPage(context);
  const email = await registerThroughUi(page, "two-factor-ui");
  await page.goto(`${BASE}/app/security`);
  const section = page.getByRole("region", { name: "Two-factor sign-in" });
  await section.getByText("Off.").waitFor();
  await section.getByLabel("Your password").fill("not my password");
  await section.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await section.getByText("is not your current password").waitFor();
  await section.getByLabel("Your password").fill(PASSWORD);
  await section.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const qr = section.getByRole("img", { name: "QR code of your two-factor key" });
  await qr.waitFor();
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), "the QR code is drawn");
  const secret = (await section.locator("code.secret").textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.deepEqual(await axe(page), []);
  await shotOf(section, "two-factor-setup");

  await section.getByLabel("Code from the app").fill("000000" === totp(secret) ? "111111" : "000000");
  await section.getByRole("button", { name: "Turn on" }).click();
  await section.getByText("is not the code your app shows now").waitFor();
  await section.getByLabel("Code from the app").fill(totp(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  const shown = section.getByRole("list", { name: "Recovery codes" });
  await shown.waitFor();
  const codes = await shown.getByRole("listitem").allTextContents();
  assert.equal(codes.length, 10);
  assert.deepEqual(await axe(page), []);
  await shotOf(section, "two-factor-recovery-codes");
  await section.getByRole("button", { name: "I have saved them" }).click();
  await section.getByText("On. 10 recovery codes left.").waitFor();

  // Signing in now takes the password, then a code.
  await page.getByRole("button", { name: "Log out" }).click();
  await signInWithPassword(page, email);
  assert.deepEqual(await axe(page), []);
  await shot(page, "two-factor-sign-in");
  await page.getByLabel("Code").fill(totp(secret, 1));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();

  // A recovery code works once.
  await page.getByRole("button", { name: "Log out" }).click();
  await signInWithPassword(page, email);
  await page.getByLabel("Code").fill(codes[0].toUpperCase());
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.getByRole("button", { name: "Log out" }).click();
  await signInWithPassword(page, email);
  await page.getByLabel("Code").fill(codes[0]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("is not a current code from your app or an unused recovery code").waitFor();
  await page.getByLabel("Code").fill(codes[1]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();

  // Off, with a code; the password alone signs in again.
  await page.goto(`${BASE}/app/security`);
  await section.getByText("On. 8 recovery codes left.").waitFor();
  await page.getByRole("cell", { name: "Signed in with a recovery code" }).first().waitFor();
  await section.getByLabel("Code from the app, or a recovery code").fill(codes[2]);
  await section.getByRole("button", { name: "Turn off" }).click();
  await section.getByText("Off.").waitFor();
  await page.getByRole("button", { name: "Log out" }).click();
  await page.goto(`${BASE}/app/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  assert.deepEqual(page.incidents, []);
  await context.close();
});
