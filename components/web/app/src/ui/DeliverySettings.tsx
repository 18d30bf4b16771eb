// How the e-mails to clients read, and when reminders go. A blank field is the default
// (the template of the client's language, the business profile's name); placeholders
// are checked by the API, and a typo comes back as a message under its field.
import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { refuseField, unwrap } from "../api/problem";
import { useResource, useSubmit } from "./hooks";
import { ErrorBanner, Form, Input, TextArea } from "./kit";

type Settings = Schemas["DeliverySettings"];
const texts = ["sender_name", "invoice_subject", "invoice_body", "reminder_subject", "reminder_body", "final_notice"] as const;
type Text = (typeof texts)[number];
type Fields = Record<Text, string> & { reminders_enabled: boolean; reminder_days: string };

function toForm(s: Settings): Fields {
  const form = Object.fromEntries(texts.map((k) => [k, s[k] ?? ""])) as Record<Text, string>;
  return { ...form, reminders_enabled: s.reminders_enabled ?? false, reminder_days: (s.reminder_days ?? [3, 10, 30]).join(", ") };
}

/** "3, 10, 30" as days. The list is this form's own way of writing them, so what is not
 * a list of whole numbers is refused here, under the field, as the API refuses the rest. */
function days(text: string): number[] {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.every((d) => /^\d{1,3}$/.test(d))) {
    refuseField("reminder_days", "whole numbers of days after the due date, such as 3, 10, 30");
  }
  return parts.map(Number);
}

export function DeliverySettings() {
  const settings = useResource(() => unwrap(api.GET("/delivery-settings")), []);
  const [form, setForm] = useState<Fields | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings.data) setForm(toForm(settings.data));
  }, [settings.data]);
  const save = useSubmit(async () => {
    if (!form) return;
    setSaved(false);
    const body: Settings = { reminders_enabled: form.reminders_enabled, reminder_days: days(form.reminder_days) };
    for (const k of texts) body[k] = form[k].trim() ? form[k] : null;
    setForm(toForm(await unwrap(api.PUT("/delivery-settings", { body }))));
    setSaved(true);
  });
  if (!form) return <ErrorBanner error={settings.error} />;
  const set = (k: Text | "reminder_days") => (v: string) => setForm({ ...form, [k]: v });
  const placeholders = "May use {number}, {amount}, {balance}, {due_date}, {seller}, {client} and {link}.";
  return (
    <section class="card" aria-labelledby="delivery-title">
      <h2 id="delivery-title">E-mails to clients</h2>
      <p class="muted">Sending an invoice e-mails it with its PDF and e-invoice. Leave a field blank for the default, in the client's language.</p>
      <ErrorBanner error={save.error} />
      {saved && (
        <p class="banner ok" role="status">
          Saved.
        </p>
      )}
      <Form onSubmit={() => void save.run()}>
        <Input label="Sender name" name="sender_name" value={form.sender_name} onInput={set("sender_name")} errors={save.fields} hint="Blank: your business profile's name." />
        <Input label="Invoice subject" name="invoice_subject" value={form.invoice_subject} onInput={set("invoice_subject")} errors={save.fields} hint={placeholders} />
        <TextArea label="Invoice message" name="invoice_body" rows={5} value={form.invoice_body} onInput={set("invoice_body")} errors={save.fields} />
        <h3>Reminders</h3>
        <label class="check">
          <input type="checkbox" name="reminders_enabled" checked={form.reminders_enabled} onChange={(e) => setForm({ ...form, reminders_enabled: e.currentTarget.checked })} /> Remind clients of overdue invoices
        </label>
        <Input label="Days after the due date" name="reminder_days" inputmode="numeric" value={form.reminder_days} onInput={set("reminder_days")} errors={save.fields} hint="Up to five, such as 3, 10, 30. Each reminder goes once; none for paid or void invoices." />
        <Input label="Reminder subject" name="reminder_subject" value={form.reminder_subject} onInput={set("reminder_subject")} errors={save.fields} />
        <TextArea label="Reminder message" name="reminder_body" rows={5} value={form.reminder_body} onInput={set("reminder_body")} errors={save.fields} />
        <TextArea label="Final notice" name="final_notice" rows={2} value={form.final_notice} onInput={set("final_notice")} errors={save.fields} hint="Added to the last reminder." />
        <button type="submit" disabled={save.busy}>
          Save e-mail settings
        </button>
      </Form>
    </section>
  );
}
