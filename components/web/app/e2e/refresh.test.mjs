// Sessions that survive a working day on short access tokens: renewal happens behind the
// screen (before expiry, and after a 401), a replayed refresh token ends the session, and
// the app then asks to sign in again. Needs an app with short-lived access tokens
// (tests/tests/web.rs starts one with access_token_ttl_seconds = 3).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, guardedPage, launch, signInThroughUi, uniqueEmail } from "./lib.mjs";

let browser;
let ttl;
before(async () => {
  browser = await launch();
  const email = uniqueEmail("ttl");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "TTL" } });
  ttl = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.expires_in;
  assert.ok(ttl <= 10, `access tokens must be short-lived for this suite (${ttl} s); start the app with access_token_ttl_seconds = 3`);
});
after(async () => browser?.close());

const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

/** Signs in through the screen; records the API's answers and the bearer tokens used. */
async function signedIn(tag) {
  const context = await browser.newContext();
  const page = await guardedPage(context);
  const email = uniqueEmail(tag);
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Renewing" } });
  const seen = { refreshes: [], unauthorised: [], tokens: [] };
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (path === "/auth/refresh") seen.refreshes.push(r.status());
    else if (r.status() === 401) seen.unauthorised.push(path);
  });
  page.on("request", (r) => {
    const auth = r.headers().authorization;
    if (auth?.startsWith("Bearer ") && seen.tokens.at(-1) !== auth.slice(7)) seen.tokens.push(auth.slice(7));
  });
  await signInThroughUi(page, email);
  return { context, page, seen };
}

const nav = (page, name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();

test("an access token expiring mid-session is renewed without the user noticing", { timeout: 60_000 }, async () => {
  const { context, page, seen } = await signedIn("renew");
  await sleep(ttl * 2 + 1);
  await nav(page, "Clients");
  await page.getByRole("heading", { name: "Clients" }).waitFor();
  await nav(page, "Invoices");
  await page.getByRole("heading", { name: "Invoices" }).waitFor();
  assert.ok(seen.refreshes.filter((s) => s === 200).length >= 2, `renewed before expiry: ${seen.refreshes}`);
  assert.ok(seen.tokens.length >= 2, "later requests carry a newer token");
  assert.deepEqual(page.incidents, []);
  await context.close();
});

test("a 401 mid-session is renewed and retried, unseen", { timeout: 60_000 }, async () => {
  const { context, page, seen } = await signedIn("retry");
  // The page's next call is refused as if its token had just been revoked (logging out
  // ends the whole session now, so no real token can be revoked alone): it is renewed
  // through the cookie and retried.
  let refused = 0;
  await page.route((url) => url.pathname === "/clients", async (route) => {
    if (refused++ > 0) return route.continue();
    await route.fulfill({
      status: 401,
      contentType: "application/problem+json",
      headers: { "WWW-Authenticate": 'Bearer realm="fin-freelancer", error="invalid_token"' },
      body: JSON.stringify({ type: "/problems/unauthorized", title: "Unauthorized", status: 401, detail: "The token has been revoked." }),
    });
  });
  await nav(page, "Clients");
  await page.getByRole("heading", { name: "Clients" }).waitFor();
  await page.getByText("No clients yet.").waitFor();
  assert.ok(refused >= 2, "the refused call was retried");
  assert.ok(seen.refreshes.includes(200), "and renewed");
  assert.equal(await page.getByRole("alert").count(), 0, "no error shown");
  await context.close();
});

test("a replayed refresh token ends the session and the app asks to sign in", { timeout: 60_000 }, async () => {
  const { context, page, seen } = await signedIn("replay");
  const cookie = async () => (await context.cookies(`${BASE}/auth/refresh`)).find((c) => c.name === "fin_refresh")?.value;
  const stolen = await cookie();
  assert.ok(stolen);
  // Wait for the page to renew (spending the stolen token), then replay it.
  const renewals = seen.refreshes.length;
  await page.waitForResponse((r) => r.url().endsWith("/auth/refresh") && r.status() === 200, { timeout: ttl * 2000 + 2000 });
  assert.ok(seen.refreshes.length > renewals);
  assert.notEqual(await cookie(), stolen, "the cookie rotated");
  const replay = await apiCall("POST", "/auth/refresh", { cookie: `fin_refresh=${stolen}` });
  assert.equal(replay.status, 401, "a spent token is refused");
  // The family is revoked: the page's own next renewal fails, and it signs out.
  await page.getByRole("heading", { name: "Sign in to Fin-Freelancer" }).waitFor({ timeout: ttl * 2000 + 5000 });
  assert.ok(seen.refreshes.includes(401));
  await context.close();
});
