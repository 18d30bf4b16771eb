// Card payments: the freelancer pastes their Stripe secret key once; the API keeps it
// sealed and shows back only its mode and last four characters, and from then on the
// share page and the e-mails offer "Pay now".
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useResource, useSubmit } from "./hooks";
import { ErrorBanner, Form, Input } from "./kit";

export function StripeConnection() {
  const connection = useResource(() => unwrap(api.GET("/payments/stripe-connection")), []);
  const [key, setKey] = useState("");
  const connect = useSubmit(async () => {
    await unwrap(api.PUT("/payments/stripe-connection", { body: { secret_key: key.trim() } }));
    setKey("");
    connection.reload();
  });
  const disconnect = useSubmit(async () => {
    await unwrap(api.DELETE("/payments/stripe-connection"));
    connection.reload();
  });
  const c = connection.data;
  return (
    <section class="card" aria-labelledby="stripe-title">
      <h2 id="stripe-title">Card payments (Stripe)</h2>
      <ErrorBanner error={connection.error ?? connect.error ?? disconnect.error} />
      {c?.connected ? (
        <p role="status">
          Connected with a {c.mode} key ending in <code>{c.key_last4}</code>: your shared invoices and e-mails offer “Pay now”.
          {c.needs_reconnect && <strong> The server's encryption key changed: connect again to take card payments.</strong>}
        </p>
      ) : (
        <p class="muted">Not connected: clients pay by bank transfer. Connect Stripe to add a “Pay now” button to your invoices.</p>
      )}
      <Form onSubmit={() => void connect.run()}>
        <Input
          label={c?.connected ? "Replace the secret key" : "Stripe secret key"}
          name="secret_key"
          type="password"
          autocomplete="off"
          value={key}
          onInput={setKey}
          errors={connect.fields}
          hint="From the Stripe dashboard (Developers → API keys): sk_live_…, sk_test_… or a restricted rk_… key. It is stored encrypted and never shown again."
        />
        <div class="actions">
          <button type="submit" disabled={connect.busy || !key.trim()}>
            {c?.connected ? "Replace key" : "Connect Stripe"}
          </button>
          {c?.connected && (
            <button type="button" class="secondary" disabled={disconnect.busy} onClick={() => void disconnect.run()}>
              Disconnect
            </button>
          )}
        </div>
      </Form>
    </section>
  );
}
