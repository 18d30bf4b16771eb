// Sign-in and registration: the two screens before a session exists.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { ApiError, unwrap } from "../api/problem";
import { adopt } from "../api/session";
import { useSubmit } from "../ui/hooks";
import { ErrorBanner, Form, Input } from "../ui/kit";

async function signIn(email: string, password: string) {
  adopt(await unwrap(api.POST("/auth/login", { body: { email, password }, credentials: "same-origin" })));
}

export function Login() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit(() => signIn(email, password));
  return (
    <main id="main" class="auth">
      <h1>Sign in to Fin-Freelancer</h1>
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

export function Register() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit(async () => {
    await unwrap(api.POST("/auth/register", { body: { name, email, password } }));
    try {
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
