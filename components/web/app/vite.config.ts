import { defineConfig } from "vite";

// Plain Vite: Preact's JSX through the transformer's automatic runtime, no plugin.
// Hashed file names under /assets/ are what the web component caches for a year.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    target: "es2022",
    assetsDir: "assets",
    // No inline <script> or data: URLs: the page's CSP allows only files of its own.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    // `npm run dev` against `make up`: the API is on the same origin, as in production.
    proxy: Object.fromEntries(
      ["/auth", "/clients", "/invoices", "/business-profile", "/payments", "/dashboard", "/share"].map(
        (p) => [p, "http://127.0.0.1:3000"],
      ),
    ),
  },
});
