// What every browser test shares: Debian's Chromium driven by playwright-core (no
// browser download), pages that fail the test on a CSP violation, a script error or a
// dialog, and a few API calls made the way any client would (for the other user's ids).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { chromium } from "playwright-core";

export const BASE = process.env.BASE_URL ?? "http://127.0.0.1:3000";
export const PASSWORD = "correct horse battery";
export const SHOTS = process.env.SCREENSHOT_DIR ?? new URL("./out/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    // As root in a container there is no sandbox to use; the closed network refuses
    // Chromium's own background connections, so they are switched off.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * A page that records what must never happen: CSP violations (the event and the console
 * line), uncaught errors, and any dialog (an `alert` would mean injected script ran).
 */
export async function guardedPage(context) {
  const page = await context.newPage();
  const incidents = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (m) => {
    const text = m.text();
    if (/Content Security Policy|CSP violation/i.test(text)) incidents.push(`csp: ${text}`);
  });
  page.on("pageerror", (e) => incidents.push(`error: ${e.message}`));
  page.on("dialog", async (d) => {
    incidents.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  page.incidents = incidents;
  return page;
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * axe-core's serious and critical violations on the page, as lines a failure can show.
 * The script is injected, so the page's context must bypass its CSP.
 */
export async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  assert.ok(result.passes.length > 10, "axe ran its rules on the screen");
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

export function uniqueEmail(tag) {
  return `${tag}-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@example.com`;
}

export async function apiCall(method, path, { token, body, cookie } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (cookie) headers.Cookie = cookie;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const reply = await fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await reply.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: reply.status, json, text, headers: reply.headers };
}

/** A user made through the API, with a client and a draft invoice of their own. */
export async function otherUserWithData() {
  const email = uniqueEmail("other");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Other" } });
  const { json: login } = await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } });
  const token = login.access_token;
  const { json: client } = await apiCall("POST", "/clients", { token, body: { name: "Their client", default_currency: "EUR" } });
  const { json: invoice } = await apiCall("POST", "/invoices", {
    token,
    body: { client_id: client.id, lines: [{ description: "Secret work", quantity: "1", unit_price: 100 }] },
  });
  return { token, client, invoice };
}

/** The link in the newest e-mail the provider's stand-in (`MAIL_URL`) got for `to` about `subject`. */
export async function emailedLink(to, subject, pattern = /https?:\/\/\S+#token=[A-Za-z0-9_-]{43}/) {
  const mail = process.env.MAIL_URL;
  assert.ok(mail, "MAIL_URL names the e-mail stand-in");
  return eventually(async () => {
    const messages = await (await fetch(`${mail}/_standin/messages`)).json();
    const found = messages.filter((m) => m.to.includes(to) && m.subject.includes(subject)).at(-1);
    assert.ok(found, `an e-mail to ${to} about "${subject}"`);
    const link = found.text.match(pattern);
    assert.ok(link, found.text);
    return link[0];
  }, 30_000);
}

/**
 * Confirms a new account's address from its registration e-mail, as its owner would:
 * invoices are sent and Stripe connected only from a confirmed address.
 */
export async function confirmAddress(email) {
  const token = new URL(await emailedLink(email, "Confirm your e-mail address")).hash.replace("#token=", "");
  const reply = await apiCall("POST", "/auth/verify-email", { body: { token } });
  assert.equal(reply.status, 204, reply.text);
}

/** Signs up through the screens, confirms the address, and lands on the settings screen. */
export async function registerThroughUi(page, tag) {
  const email = uniqueEmail(tag);
  await page.goto(`${BASE}/`);
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  await confirmAddress(email);
  return email;
}

/** Signs in through the sign-in screen and waits for the dashboard. */
export async function signInThroughUi(page, email) {
  await page.goto(`${BASE}/app/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
}

export async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/** A screenshot of one part of a screen (a section below the fold). */
export async function shotOf(locator, name) {
  await locator.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Polls `check` (which throws until it holds) for up to `ms`. */
export async function eventually(check, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A small, valid PNG (a blue square), for the logo upload. */
export function pngLogo(size = 64) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([29, 78, 216]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}
