// The few building blocks every screen uses: labelled fields that show the server's
// message for them, a banner for the rest, and loading and empty states.
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import { ApiError } from "../api/problem";
import type { Cursors, Resource } from "./hooks";

type FieldProps = {
  label: string;
  error?: string;
  hint?: string;
  children: (id: string, describedBy: string | undefined) => ComponentChildren;
};

/** A label, its control and its error; the control gets the id and `aria-describedby`. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      {children(id, describedBy)}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

type InputProps = {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  errors?: Record<string, string>;
  type?: string;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  inputmode?: "decimal" | "numeric" | "email" | "search" | "tel" | "text";
  maxLength?: number;
};

export function Input({ label, name, value, onInput, errors, hint, ...rest }: InputProps) {
  const error = errors?.[name];
  return (
    <Field label={label} error={error} hint={hint}>
      {(id, describedBy) => (
        <input
          id={id}
          name={name}
          value={value}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={describedBy}
          onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
          {...(rest as Record<string, unknown>)}
        />
      )}
    </Field>
  );
}

type TextAreaProps = { label: string; name: string; value: string; onInput: (value: string) => void; errors?: Record<string, string>; hint?: string; rows?: number; maxLength?: number };

export function TextArea({ label, name, value, onInput, errors, hint, ...rest }: TextAreaProps) {
  const error = errors?.[name];
  return (
    <Field label={label} error={error} hint={hint}>
      {(id, describedBy) => (
        <textarea
          id={id}
          name={name}
          value={value}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={describedBy}
          onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)}
          {...rest}
        />
      )}
    </Field>
  );
}

/** The failure of a screen or a form, said once at the top. */
export function ErrorBanner({ error }: { error?: ApiError | null }) {
  if (!error) return null;
  return (
    <div class="banner error" role="alert">
      <strong>{error.problem.title}.</strong> {error.explain()}
    </div>
  );
}

export function Loading() {
  return (
    <p class="muted" aria-live="polite">
      Loading…
    </p>
  );
}

export function NotFound({ what }: { what: string }) {
  return (
    <section aria-labelledby="nf">
      <h1 id="nf">{what} not found</h1>
      <p>It does not exist, or it belongs to another account.</p>
      <a href="/app">Back to the dashboard</a>
    </section>
  );
}

export const statusLabel: Record<string, string> = {
  draft: "Draft",
  sent: "Sent",
  overdue: "Overdue",
  paid: "Paid",
  credited: "Credited",
  void: "Void",
};

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge ${status}`}>{statusLabel[status] ?? status}</span>;
}

/** "Next page" for cursor paging. */
export function Pager({ next, cursors }: { next: string | null | undefined; cursors: Cursors }) {
  if (!next && cursors.atFirst) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" class="secondary" disabled={cursors.atFirst} onClick={cursors.first}>
        First page
      </button>
      <button type="button" class="secondary" disabled={!next} onClick={() => next && cursors.next(next)}>
        Next page
      </button>
    </nav>
  );
}

/** A page of a list: its failure, loading, the empty state, or the items. */
export function Listing<T>({ page, empty, children }: { page: Resource<{ items: T[] }>; empty: string; children: (items: T[]) => ComponentChildren }) {
  return (
    <>
      <ErrorBanner error={page.error} />
      {page.loading && !page.data ? <Loading /> : page.data?.items.length === 0 ? <p class="empty">{empty}</p> : page.data ? children(page.data.items) : null}
    </>
  );
}

/**
 * A form that submits through `onSubmit`. `novalidate`: the server judges the input,
 * and its messages are the ones shown next to the fields.
 */
export function Form({ onSubmit, children, ...rest }: { onSubmit: () => void; children: ComponentChildren; class?: string; "aria-labelledby"?: string }) {
  return (
    <form
      noValidate
      {...rest}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
