import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import { endSession } from "../api/session";

const sections = [
  ["/app", "Dashboard"],
  ["/app/clients", "Clients"],
  ["/app/catalogue", "Catalogue"],
  ["/app/quotes", "Quotes"],
  ["/app/invoices", "Invoices"],
  ["/app/recurring", "Recurring"],
  ["/app/payments", "Payments"],
  ["/app/settings", "Settings"],
  ["/app/security", "Security"],
] as const;

export function Layout({ children }: { children: ComponentChildren }) {
  const { path, route } = useLocation();
  const current = (href: string) => (href === "/app" ? path === "/app" : path.startsWith(href));
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/app">
          Fin-Freelancer
        </a>
        <nav aria-label="Main">
          <ul>
            {sections.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={current(href) ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            await endSession();
            route("/app/login");
          }}
        >
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
