// Getting back in, proving the address and moving it: the screens an e-mailed link opens. The
// token rides in the link's fragment (`#token=…`), which no server ever receives.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useSubmit } from "../ui/hooks";
import { ErrorBanner, Form, Input } from "../ui/kit";

/** The token of the link that opened this page, if any. */
function linkToken(): string {
  return new URLSearchParams(location.hash.replace(/^#/, "")).get("token") ?? "";
}

export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const submit = useSubmit(async () => {
    const answer = await unwrap(api.POST("/auth/password-reset", { body: { email } }));
    setSent(answer.detail);
  });
  return (
    <main id="main" class="auth">
      <h1>Forgot your password?</h1>
      {sent ? (
        <p role="status" class="banner ok">
          {sent}
        </p>
      ) : (
        <Form onSubmit={() => void submit.run()}>
          <p>Enter the address you signed up with; we e-mail a link to choose a new password.</p>
          <ErrorBanner error={submit.error} />
          <Input label="Email" name="email" type="email" autocomplete="email" required value={email} onInput={setEmail} errors={submit.fields} />
          <button type="submit" disabled={submit.busy}>
            E-mail me a link
          </button>
        </Form>
      )}
      <p>
        Remembered it? <a href="/app/login">Sign in</a>
      </p>
    </main>
  );
}

export function ResetPassword() {
  const [token] = useState(linkToken);
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const submit = useSubmit(async () => {
    await unwrap(api.POST("/auth/password-reset/confirm", { body: { token, password } }));
    setDone(true);
  });
  return (
    <main id="main" class="auth">
      <h1>Choose a new password</h1>
      {done ? (
        <p role="status" class="banner ok">
          Your password is set, and every device was signed out. <a href="/app/login">Sign in</a> with the new one.
        </p>
      ) : (
        <Form onSubmit={() => void submit.run()}>
          <ErrorBanner error={submit.error} />
          {submit.error?.problem.type === "/problems/invalid-link" && (
            <p>
              <a href="/app/forgot-password">Ask for a new link</a>
            </p>
          )}
          <Input
            label="New password"
            name="password"
            type="password"
            autocomplete="new-password"
            hint="At least 8 characters. Setting it signs every device out."
            required
            value={password}
            onInput={setPassword}
            errors={submit.fields}
          />
          <button type="submit" disabled={submit.busy}>
            Set the password
          </button>
        </Form>
      )}
    </main>
  );
}

export function VerifyEmail({ signedIn }: { signedIn: boolean }) {
  const [state, setState] = useState<"working" | "done" | "failed">("working");
  const [detail, setDetail] = useState("");
  useEffect(() => {
    unwrap(api.POST("/auth/verify-email", { body: { token: linkToken() } })).then(
      () => setState("done"),
      (e: unknown) => {
        setDetail(e instanceof Error ? e.message : String(e));
        setState("failed");
      },
    );
  }, []);
  const next = signedIn ? <a href="/app">Go to the dashboard</a> : <a href="/app/login">Sign in</a>;
  return (
    <main id="main" class="auth">
      <h1>Confirm your e-mail address</h1>
      <p role="status" class="banner ok">
        {state === "working" && "Confirming…"}
        {state === "done" && "Your address is confirmed: invoices can be e-mailed to clients."}
        {state === "failed" && `This link did not work: ${detail} Ask for a new one on the Security page.`}
      </p>
      <p>{next}</p>
    </main>
  );
}

/** Opened from the new mailbox: the move is what the person just asked for. */
export function ConfirmEmailChange({ signedIn }: { signedIn: boolean }) {
  const [state, setState] = useState<"working" | "done" | "failed">("working");
  const [detail, setDetail] = useState("");
  const [address, setAddress] = useState("");
  useEffect(() => {
    unwrap(api.POST("/auth/email/confirm", { body: { token: linkToken() } })).then(
      (moved) => {
        setAddress(moved.email);
        setState("done");
      },
      (e: unknown) => {
        setDetail(e instanceof Error ? e.message : String(e));
        setState("failed");
      },
    );
  }, []);
  const next = signedIn ? <a href="/app/security">Go to the Security page</a> : <a href="/app/login">Sign in</a>;
  return (
    <main id="main" class="auth">
      <h1>Confirm your new address</h1>
      <p role="status" class="banner ok">
        {state === "working" && "Confirming…"}
        {state === "done" && `Done: the account's address is now ${address}. Every other device was signed out.`}
        {state === "failed" && `This link did not work: ${detail} Ask for the change again on the Security page.`}
      </p>
      <p>{next}</p>
    </main>
  );
}

/**
 * Opened from the old mailbox. It acts only on a click: a mail scanner that opens every
 * link must not undo a change the owner made.
 */
export function UndoEmailChange() {
  const [token] = useState(linkToken);
  const [done, setDone] = useState(false);
  const undo = useSubmit(async () => {
    await unwrap(api.POST("/auth/email/undo", { body: { token } }));
    setDone(true);
  });
  return (
    <main id="main" class="auth">
      <h1>Put your old address back</h1>
      {done ? (
        <p role="status" class="banner ok">
          Your old address is back, and every device was signed out. Whoever changed it knew your password:{" "}
          <a href="/app/forgot-password">choose a new password</a> now.
        </p>
      ) : (
        <Form onSubmit={() => void undo.run()}>
          <p>If you did not change your account's e-mail address, put the old one back: every device is signed out, and you then choose a new password.</p>
          <ErrorBanner error={undo.error} />
          <button type="submit" disabled={undo.busy}>
            Put my old address back
          </button>
        </Form>
      )}
    </main>
  );
}
