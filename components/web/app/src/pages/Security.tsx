// The account's security: the address confirmed or not, the password, the signed-in
// devices, and what happened to the account.
import { useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";
import { useCursors, useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Form, Input, Listing, Pager } from "../ui/kit";

const when = (t: string) => new Date(t).toLocaleString();

const eventLabel: Record<string, string> = {
  login: "Signed in",
  "login.failed": "Wrong password tried",
  "password.changed": "Password changed",
  "password.reset_requested": "Password reset asked for",
  "password.reset": "Password reset with an e-mailed link",
  "email.verified": "E-mail address confirmed",
  "session.ended": "A session was ended",
  "session.others_ended": "Every other session was ended",
};

export default function Security() {
  return (
    <main id="main">
      <h1>Security</h1>
      <Address />
      <Password />
      <Sessions />
      <Log />
    </main>
  );
}

function Address() {
  const account = useResource(() => unwrap(api.GET("/auth/profile")), []);
  const [sent, setSent] = useState<string | null>(null);
  const resend = useSubmit(async () => {
    setSent((await unwrap(api.POST("/auth/verify-email/resend"))).detail);
  });
  const me = account.data;
  return (
    <section aria-labelledby="address-title">
      <h2 id="address-title">E-mail address</h2>
      <ErrorBanner error={account.error ?? resend.error} />
      {me && (
        <p>
          {me.email} — {me.email_verified ? "confirmed." : "not confirmed yet: invoices cannot be e-mailed to clients until it is."}
        </p>
      )}
      {me && !me.email_verified && (
        <button type="button" class="secondary" disabled={resend.busy} onClick={() => void resend.run()}>
          E-mail me a new link
        </button>
      )}
      {sent && (
        <p role="status" class="banner ok">
          {sent}
        </p>
      )}
    </section>
  );
}

function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const change = useSubmit(async () => {
    setDone(false);
    await unwrap(api.POST("/auth/password", { body: { current_password: current, new_password: next } }));
    setCurrent("");
    setNext("");
    setDone(true);
  });
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <Form onSubmit={() => void change.run()} aria-labelledby="password-title">
        <ErrorBanner error={change.error} />
        <Input label="Current password" name="current_password" type="password" autocomplete="current-password" required value={current} onInput={setCurrent} errors={change.fields} />
        <Input label="New password" name="new_password" type="password" autocomplete="new-password" hint="At least 8 characters. Every other device is signed out." required value={next} onInput={setNext} errors={change.fields} />
        <button type="submit" disabled={change.busy}>
          Change the password
        </button>
        {done && (
          <p role="status" class="banner ok">
            Changed. Every other device was signed out.
          </p>
        )}
      </Form>
    </section>
  );
}

function Sessions() {
  const list = useResource(() => unwrap(api.GET("/auth/sessions")), []);
  const end = useSubmit(async (id: string) => {
    await unwrap(api.DELETE("/auth/sessions/{id}", { params: { path: { id } } }));
    list.reload();
  });
  const others = useSubmit(async () => {
    await unwrap(api.DELETE("/auth/sessions"));
    list.reload();
  });
  const many = (list.data?.items.length ?? 0) > 1;
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Signed-in devices</h2>
      <ErrorBanner error={end.error ?? others.error} />
      <Listing page={list} empty="No sessions.">
        {(items: Schemas["Session"][]) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col" class="wide">Address</th>
                <th scope="col" class="wide">Signed in</th>
                <th scope="col" class="wide">Last active</th>
                <th scope="col">
                  <span class="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td class="device">{s.user_agent ?? "Unknown device"}{s.current && <strong> (this one)</strong>}</td>
                  <td class="wide">{s.address ?? "—"}</td>
                  <td class="wide">{when(s.started_at)}</td>
                  <td class="wide">{when(s.last_used_at)}</td>
                  <td>
                    {!s.current && (
                      <button type="button" class="secondary" disabled={end.busy} onClick={() => void end.run(s.id)}>
                        Sign out
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Listing>
      {many && (
        <button type="button" class="secondary" disabled={others.busy} onClick={() => void others.run()}>
          Sign out everywhere else
        </button>
      )}
    </section>
  );
}

function Log() {
  const cursors = useCursors();
  const page = useResource(
    () => unwrap(api.GET("/auth/security-log", { params: { query: { limit: 20, cursor: cursors.cursor } } })),
    [cursors.cursor],
  );
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">Security log</h2>
      <Listing page={page} empty="Nothing yet.">
        {(items: Schemas["SecurityEvent"][]) => (
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col" class="wide">From</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.occurred_at)}</td>
                  <td>{eventLabel[e.kind] ?? e.kind}</td>
                  <td class="wide">{[e.address, e.user_agent].filter(Boolean).join(" · ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Listing>
      <Pager next={page.data?.next_cursor} cursors={cursors} />
    </section>
  );
}
