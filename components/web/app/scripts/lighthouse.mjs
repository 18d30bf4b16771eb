// Lighthouse against the running app (`make up`), in Debian's Chromium: the sign-in
// screen a visitor meets first, and the dashboard of a signed-in account (a fresh
// refresh cookie lets the page start its own session). Prints the scores and writes the
// reports to target/lighthouse/; docs/web.md records the figures. Scores are
// measurements, not tests: run it on a quiet machine.
//   BASE_URL=http://127.0.0.1:3000 npm run lighthouse
import { mkdirSync, writeFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const out = new URL("../../../../target/lighthouse/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });

async function freshCookie() {
  const email = `lighthouse-${Date.now()}@example.com`;
  const password = "correct horse battery";
  const json = { "Content-Type": "application/json" };
  await fetch(`${base}/auth/register`, { method: "POST", headers: json, body: JSON.stringify({ email, password, name: "Lighthouse" }) });
  const login = await fetch(`${base}/auth/login`, { method: "POST", headers: json, body: JSON.stringify({ email, password }) });
  return login.headers.get("set-cookie").split(";")[0];
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const rows = [];
try {
  for (const [name, path] of [
    ["sign-in", "/app/login"],
    ["dashboard", "/app"],
  ]) {
    for (const preset of ["mobile", "desktop"]) {
      // A refresh token works once: every run of the dashboard gets its own session.
      const cookie = name === "dashboard" ? await freshCookie() : null;
      const config = preset === "desktop" ? (await import("lighthouse/core/config/desktop-config.js")).default : undefined;
      const result = await lighthouse(
        `${base}${path}`,
        { port: chrome.port, output: "html", logLevel: "error", onlyCategories: ["performance", "accessibility", "best-practices"], extraHeaders: cookie ? { Cookie: cookie } : undefined },
        config,
      );
      writeFileSync(`${out}${name}-${preset}.html`, result.report);
      const requests = result.lhr.audits["network-requests"].details.items;
      if (name === "dashboard" && !requests.some((r) => r.url.endsWith("/dashboard") && r.statusCode === 200)) {
        throw new Error("the dashboard run never reached the dashboard (no session?)");
      }
      const c = result.lhr.categories;
      const score = (k) => Math.round((c[k]?.score ?? 0) * 100);
      const fcp = result.lhr.audits["first-contentful-paint"].displayValue;
      rows.push(`| ${name} | ${preset} | ${score("performance")} | ${score("accessibility")} | ${score("best-practices")} | ${fcp} |`);
    }
  }
} finally {
  await chrome.kill();
}
console.log(["| screen | preset | performance | accessibility | best practices | first contentful paint |", "|---|---|---|---|---|---|", ...rows].join("\n"));
