// The account's security: the address confirmed or not, the password, two-factor
// sign-in, the signed-in devices, what happened to the account, its data to take away,
// and its end.
import { useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";
import { EraseAccount } from "../ui/EraseAccount";
import { ExportAccount } from "../ui/ExportAccount";
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
  "email.change_requested": "E-mail address change asked for",
  "email.changed": "E-mail address changed",
  "email.change_undone": "E-mail address change undone",
  "session.ended": "A session was ended",
  "session.others_ended": "Every other session was ended",
  "login.code_failed": "Wrong sign-in code tried",
  "two_factor.enabled": "Two-factor sign-in turned on",
  "two_factor.disabled": "Two-factor sign-in turned off",
  "two_factor.codes_renewed": "New recovery codes made",
  "two_factor.recovery_code_used": "Signed in with a recovery code",
};

export default function Security() {
  return (
    <main id="main">
      <h1>Security</h1>
      <Address />
      <Password />
      <TwoFactor />
      <Sessions />
      <Log />
      <ExportAccount />
      <EraseAccount />
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
      <ChangeAddress />
    </section>
  );
}

/** Asks for the move; it happens when the link sent to the new address is opened. */
function ChangeAddress() {
  const [newEmail, setNewEmail] = useState("");
  const [password, setPassword] = useState("");
  const [asked, setAsked] = useState<string | null>(null);
  const ask = useSubmit(async () => {
    setAsked(null);
    const answer = await unwrap(api.POST("/auth/email", { body: { password, new_email: newEmail } }));
    setPassword("");
    setAsked(answer.detail);
  });
  return (
    <Form onSubmit={() => void ask.run()} aria-labelledby="change-address-title">
      <h3 id="change-address-title">Change the address</h3>
      <ErrorBanner error={ask.error} />
      <Input label="New e-mail address" name="new_email" type="email" autocomplete="email" hint="We e-mail it a link; the address changes when the link is opened." required value={newEmail} onInput={setNewEmail} errors={ask.fields} />
      <Input label="Your password" name="password" type="password" autocomplete="current-password" required value={password} onInput={setPassword} errors={ask.fields} />
      <button type="submit" class="secondary" disabled={ask.busy}>
        E-mail me a link
      </button>
      {asked && (
        <p role="status" class="banner ok">
          {asked}
        </p>
      )}
    </Form>
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

/** Off → the password → a QR code and a first code → the recovery codes, shown once. */
function TwoFactor() {
  const state = useResource(() => unwrap(api.GET("/auth/two-factor")), []);
  const [codes, setCodes] = useState<string[] | null>(null);
  const done = () => {
    setCodes(null);
    state.reload();
  };
  return (
    <section aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">Two-factor sign-in</h2>
      <ErrorBanner error={state.error} />
      {codes ? (
        <RecoveryCodes codes={codes} onDone={done} />
      ) : state.data?.enabled ? (
        <TwoFactorOn left={state.data.recovery_codes_left} onCodes={setCodes} onOff={done} />
      ) : (
        state.data && <TwoFactorSetUp onCodes={setCodes} />
      )}
    </section>
  );
}

function TwoFactorSetUp({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [key, setKey] = useState<Schemas["TwoFactorEnrolment"] | null>(null);
  const begin = useSubmit(async () => {
    setKey(await unwrap(api.POST("/auth/two-factor", { body: { password } })));
    setPassword("");
  });
  const confirm = useSubmit(async () => {
    onCodes((await unwrap(api.POST("/auth/two-factor/confirm", { body: { code } }))).recovery_codes);
  });
  if (!key) {
    return (
      <Form onSubmit={() => void begin.run()} aria-labelledby="two-factor-title">
        <p>Off. With it on, signing in asks for a code from an authenticator app on your phone after the password.</p>
        <ErrorBanner error={begin.error} />
        <Input label="Your password" name="password" type="password" autocomplete="current-password" required value={password} onInput={setPassword} errors={begin.fields} />
        <button type="submit" disabled={begin.busy}>
          Set up two-factor sign-in
        </button>
      </Form>
    );
  }
  return (
    <Form onSubmit={() => void confirm.run()} aria-labelledby="two-factor-title">
      <p>Scan this code with your authenticator app, or type the key in by hand.</p>
      <img class="qr" width={200} height={200} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(key.qr_svg)}`} alt="QR code of your two-factor key" />
      <p>
        Key: <code class="secret">{key.secret}</code>
      </p>
      <ErrorBanner error={confirm.error} />
      <Input label="Code from the app" name="code" autocomplete="one-time-code" hint="The 6 digits the app shows now." required value={code} onInput={setCode} errors={confirm.fields} />
      <button type="submit" disabled={confirm.busy}>
        Turn on
      </button>
    </Form>
  );
}

function TwoFactorOn({ left, onCodes, onOff }: { left: number; onCodes: (codes: string[]) => void; onOff: () => void }) {
  const [code, setCode] = useState("");
  const renew = useSubmit(async () => {
    onCodes((await unwrap(api.POST("/auth/two-factor/recovery-codes", { body: { code } }))).recovery_codes);
  });
  const off = useSubmit(async () => {
    await unwrap(api.POST("/auth/two-factor/disable", { body: { code } }));
    onOff();
  });
  const error = renew.error ?? off.error;
  return (
    <Form onSubmit={() => void renew.run()} aria-labelledby="two-factor-title">
      <p>
        On. {left} recovery {left === 1 ? "code" : "codes"} left.
      </p>
      <ErrorBanner error={error} />
      <Input label="Code from the app, or a recovery code" name="code" autocomplete="one-time-code" hint="Needed to make new recovery codes or to turn two-factor sign-in off." required value={code} onInput={setCode} errors={error?.fields() ?? {}} />
      <button type="submit" disabled={renew.busy}>
        Make new recovery codes
      </button>{" "}
      <button type="button" class="secondary" disabled={off.busy} onClick={() => void off.run()}>
        Turn off
      </button>
    </Form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div role="status" class="banner ok">
      <p>Two-factor sign-in is on. Keep these recovery codes somewhere safe: each signs you in once if your phone is lost. They are shown only now.</p>
      <ul class="codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDone}>
        I have saved them
      </button>
    </div>
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
