// The account's end, on the Security page: the password (and a code when two-factor
// sign-in is on), behind a plain warning, because nothing undoes it.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { adopt } from "../api/session";
import { useResource, useSubmit } from "./hooks";
import { ErrorBanner, Form, Input } from "./kit";

/** Where the app lands after the erasure: the sign-in screen says what happened. */
export const ERASED = "#account-erased";

export function EraseAccount() {
  const twoFactor = useResource(() => unwrap(api.GET("/auth/two-factor")), []);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const erase = useSubmit(async () => {
    const body = twoFactor.data?.enabled ? { password, code } : { password };
    await unwrap(api.POST("/auth/account/erase", { body }));
    history.replaceState(null, "", `/app/login${ERASED}`);
    adopt(null);
  });
  return (
    <section aria-labelledby="erase-title">
      <h2 id="erase-title">Delete the account</h2>
      <Form onSubmit={() => void erase.run()} aria-labelledby="erase-title">
        <p>
          This deletes the account and everything in it — clients, invoices and their payments, share links, e-mails
          sent, settings and logo — at once and for good, and signs out every device. Issued invoices must usually be
          kept for the tax office: use <a href="#export-title">Download everything</a> above first.
        </p>
        <ErrorBanner error={erase.error ?? twoFactor.error} />
        <Input label="Your password" name="password" type="password" autocomplete="current-password" required value={password} onInput={setPassword} errors={erase.fields} />
        {twoFactor.data?.enabled && (
          <Input label="Code from your app, or a recovery code" name="code" autocomplete="one-time-code" required value={code} onInput={setCode} errors={erase.fields} />
        )}
        <button type="submit" class="danger" disabled={erase.busy || !twoFactor.data}>
          Delete my account for good
        </button>
      </Form>
    </section>
  );
}
