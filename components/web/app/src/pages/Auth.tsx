// Sign-in and registration: the two screens before a session exists.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { ApiError, unwrap } from "../api/problem";
import { adopt } from "../api/session";
import { useSubmit } from "../ui/hooks";
import { ERASED } from "../ui/EraseAccount";
import { ErrorBanner, Form, Input } from "../ui/kit";

/** Signs in with the password alone, or answers the ticket when a code is owed. */
async function signIn(email: string, password: string): Promise<string | null> {
  const answer = await unwrap(api.POST("/auth/login", { body: { email, password }, credentials: "same-origin" }));
  if ("ticket" in answer) return answer.ticket;
  adopt(answer);
  return null;
}

export function Login() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [ticket, setTicket] = useState<string | null>(null);
  const submit = useSubmit(async () => setTicket(await signIn(email, password)));
  if (ticket) return <SecondStep ticket={ticket} onRestart={() => setTicket(null)} />;
  return (
    <main id="main" class="auth">
      <h1>Sign in to Fin-Freelancer</h1>
      {location.hash === ERASED && (
        <p role="status" class="banner ok">
          Your account and everything in it were deleted.
        </p>
      )}
      <Form onSubmit={() => void submit.run()}>
        <ErrorBanner error={submit.error} />
        <Input label="Email" name="email" type="email" autocomplete="email" required value={email} onInput={setEmail} errors={submit.fields} />
        <Input label="Password" name="password" type="password" autocomplete="current-password" required value={password} onInput={setPassword} errors={submit.fields} />
        <button type="submit" disabled={submit.busy}>
          Sign in
        </button>
      </Form>
      <p>
        <a href="/app/forgot-password">Forgot your password?</a>
      </p>
      <p>
        New here? <a href="/app/register">Create an account</a>
      </p>
    </main>
  );
}

/** The code after the password, when two-factor sign-in is on. */
function SecondStep({ ticket, onRestart }: { ticket: string; onRestart: () => void }) {
  const [code, setCode] = useState("");
  const submit = useSubmit(async () => {
    adopt(await unwrap(api.POST("/auth/login/second-factor", { body: { ticket, code }, credentials: "same-origin" })));
  });
  const expired = submit.error?.status === 401;
  return (
    <main id="main" class="auth">
      <h1>Enter your sign-in code</h1>
      <Form onSubmit={() => void submit.run()}>
        <ErrorBanner error={submit.error} />
        <Input
          label="Code"
          name="code"
          autocomplete="one-time-code"
          hint="The 6 digits your authenticator app shows now, or one of your recovery codes."
          required
          value={code}
          onInput={setCode}
          errors={submit.fields}
        />
        <button type="submit" disabled={submit.busy || expired}>
          Sign in
        </button>
      </Form>
      <p>
        <button type="button" class="secondary" onClick={onRestart}>
          {expired ? "Sign in again with your password" : "Start over"}
        </button>
      </p>
    </main>
  );
}

export function Register() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit(async () => {
    await unwrap(api.POST("/auth/register", { body: { name, email, password } }));
    try {
      // A new account has no second factor: the password alone signs it in.
      await signIn(email, password);
    } catch (e) {
      // Registration does not say whether the address had an account; signing in does.
      if (e instanceof ApiError && e.status === 401) {
        throw new ApiError({ ...e.problem, detail: "This address may already have an account: sign in, or reset its password." });
      }
      throw e;
    }
  });
  return (
    <main id="main" class="auth">
      <h1>Create your account</h1>
      <Form onSubmit={() => void submit.run()}>
        <ErrorBanner error={submit.error} />
        <Input label="Your name" name="name" autocomplete="name" required value={name} onInput={setName} errors={submit.fields} />
        <Input label="Email" name="email" type="email" autocomplete="email" required value={email} onInput={setEmail} errors={submit.fields} />
        <Input
          label="Password"
          name="password"
          type="password"
          autocomplete="new-password"
          hint="At least 8 characters."
          required
          value={password}
          onInput={setPassword}
          errors={submit.fields}
        />
        <button type="submit" disabled={submit.busy}>
          Create account
        </button>
      </Form>
      <p>
        Already registered? <a href="/app/login">Sign in</a>
      </p>
    </main>
  );
}
