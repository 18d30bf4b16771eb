// Downloading everything from the Security page, before the deletion it sits above: the
// button gives a ZIP file named for the day, holding the account's files — axe-clean.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { BASE, PASSWORD, apiCall, axe, guardedPage, launch, shotOf, signInThroughUi, uniqueEmail } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("the account's data downloads from the security page as one ZIP", { timeout: 120_000 }, async () => {
  const email = uniqueEmail("export-ui");
  await apiCall("POST", "/auth/register", { body: { email, password: PASSWORD, name: "Ada" } });
  const token = (await apiCall("POST", "/auth/login", { body: { email, password: PASSWORD } })).json.access_token;
  await apiCall("POST", "/clients", { token, body: { name: "Taken along" } });

  const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
  const page = await guardedPage(context);
  await signInThroughUi(page, email);
  await page.goto(`${BASE}/app/security`);
  const section = page.getByRole("region", { name: "Download everything" });
  const button = section.getByRole("button", { name: "Download my data" });
  await button.waitFor();
  assert.deepEqual(await axe(page), []);
  await shotOf(section, "security-export");

  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const day = new Date().toISOString().slice(0, 10);
  assert.equal(download.suggestedFilename(), `fin-freelancer-export-${day}.zip`);
  const zip = await readFile(await download.path());
  assert.equal(zip.subarray(0, 4).toString("binary"), "PK\x03\x04", "a ZIP file");
  for (const name of ["README.txt", "account.json", "clients.json", "clients.csv", "invoices.json"]) {
    assert.ok(zip.includes(Buffer.from(name)), `${name} is in the archive`);
  }
  await button.waitFor({ state: "visible" });
  assert.equal(await button.isEnabled(), true, "ready for another download");
  assert.deepEqual(page.incidents, []);
  await context.close();
});
