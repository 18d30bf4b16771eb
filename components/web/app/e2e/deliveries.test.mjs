// The invoice's e-mail shows up on its screen however late the mailer queues it. The
// deliveries panel used to ask again only while a delivery was queued or sending: when
// its first look came before the mailer had queued the e-mail (a busy machine), it said
// "Not e-mailed yet." until a reload — the browser money-loop test once waited 30 s for
// "E-mailed to …" that way. Here the mailer is paused (SIGSTOP, the process ids from
// MAILER_PIDS) across the send, so the first look always comes first.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, guardedPage, launch, signInThroughUi, uniqueEmail, confirmAddress } from "./lib.mjs";

import { execFileSync } from "node:child_process";

const mailers = (process.env.MAILER_PIDS ?? "")
  .split(",")
  .filter(Boolean)
  .map(Number);
/** `pid` and every process under it: `spin up` runs the trigger in a child process. */
function tree(pid) {
  let children = [];
  try {
    children = execFileSync("pgrep", ["-P", String(pid)]).toString().split("\n").filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  return [pid, ...children.flatMap(tree)];
}
const signal = (name) => mailers.flatMap(tree).forEach((pid) => process.kill(pid, name));

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  signal("SIGCONT");
  await browser?.close();
});

test("an e-mail queued after the page first looked is shown without a reload", { timeout: 90_000 }, async () => {
  assert.ok(mailers.length > 0, "MAILER_PIDS names the mailers to pause");
  const email = uniqueEmail("late-mail");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada Lovelace" } });
  await confirmAddress(email);
  const { json: login } = await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } });
  const token = login.access_token;
  // A seller to name: the e-mail's share link needs one.
  const profile = await apiCall("PUT", "/business-profile", {
    token,
    body: { legal_name: "Ada Lovelace", address: { line1: "1 Strand", postal_code: "WC2N 5HR", city: "London", country: "GB" } },
  });
  assert.equal(profile.status, 201, profile.text);
  const { json: client } = await apiCall("POST", "/clients", {
    token,
    body: { name: "Late GmbH", email: "ap@late.example", default_currency: "EUR" },
  });
  const { json: invoice } = await apiCall("POST", "/invoices", {
    token,
    body: { client_id: client.id, lines: [{ description: "Work", quantity: "1", unit_price: 10000 }] },
  });

  const page = await guardedPage(await browser.newContext());
  await signInThroughUi(page, email);
  await page.goto(`${BASE}/app/invoices/${invoice.id}`);
  await page.getByRole("button", { name: "Send" }).waitFor();
  signal("SIGSTOP");
  try {
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Sent", { exact: true }).first().waitFor();
    const mail = page.getByRole("region", { name: "E-mail to the client" });
    await mail.getByText("Not e-mailed yet.").waitFor();
    // Long enough for the old panel to have looked once and stopped.
    await page.waitForTimeout(4000);
  } finally {
    signal("SIGCONT");
  }
  await page
    .getByRole("region", { name: "E-mail to the client" })
    .getByText(/E-mailed to ap@late\.example/)
    .waitFor({ timeout: 30_000 });
  assert.deepEqual(page.incidents, []);
});
