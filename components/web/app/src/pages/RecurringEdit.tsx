import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Schemas } from "../api/client";
import { recurringFrequencyValues } from "../api/schema";
import { ifMatch, refuseFields, unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ClientAndCurrency, DocumentLines, discountBody, fillLines, linesBody, totalsRequest, useDocumentLines } from "../ui/DocumentLines";
import { ErrorBanner, Field, Form, Input, Loading, NotFound } from "../ui/kit";
import { LiveTotals } from "../ui/LiveTotals";
import { SchedulePreview } from "../ui/SchedulePreview";
import { frequencyLabel } from "../ui/recurring";

type Template = Schemas["RecurringInvoice"];
type EndKind = "never" | "date" | "count";

/** The browser's time zone: where the freelancer is, the default for a new schedule. */
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export default function RecurringEdit() {
  const { params } = useRoute();
  const id = params.id;
  const { route } = useLocation();
  const existing = useResource(() => (id ? unwrap(api.GET("/recurring-invoices/{id}", { params: { path: { id } } })) : Promise.resolve(null)), [id]);
  const clients = useResource(() => unwrap(api.GET("/clients", { params: { query: { limit: 100 } } })), []);
  const catalogue = useResource(() => unwrap(api.GET("/items", { params: { query: { limit: 100 } } })), []);
  const [name, setName] = useState("");
  const [clientId, setClientId] = useState("");
  const [currency, setCurrency] = useState("");
  const [frequency, setFrequency] = useState<Schemas["RecurringFrequency"]>("monthly");
  const [startDate, setStartDate] = useState("");
  const [endKind, setEndKind] = useState<EndKind>("never");
  const [endDate, setEndDate] = useState("");
  const [count, setCount] = useState("");
  const [timeZone, setTimeZone] = useState(localZone);
  const [terms, setTerms] = useState("30");
  const [catchUp, setCatchUp] = useState<"latest" | "every">("latest");
  const [send, setSend] = useState(false);
  const [notes, setNotes] = useState("");
  const editor = useDocumentLines();
  const [saved, setSaved] = useState<Template | null>(null);

  useEffect(() => {
    const t = existing.data;
    if (!t) return;
    setSaved(t);
    setName(t.name);
    setClientId(t.client_id);
    setCurrency(t.currency);
    setFrequency(t.frequency);
    setStartDate(t.start_date);
    setEndKind(t.end_date ? "date" : t.count ? "count" : "never");
    setEndDate(t.end_date ?? "");
    setCount(t.count ? String(t.count) : "");
    setTimeZone(t.time_zone);
    setTerms(String(t.payment_terms_days));
    setCatchUp(t.catch_up);
    setSend(t.send);
    setNotes(t.notes ?? "");
    fillLines(editor, t.lines, t.discount, t.currency);
  }, [existing.data]);

  const client = clients.data?.items.find((c) => c.id === clientId);
  const moneyCurrency = (currency || client?.default_currency || "EUR").toUpperCase();
  const totals = useMemo(() => totalsRequest(editor, moneyCurrency), [editor.lines, editor.discountKind, editor.discount, moneyCurrency]);
  const begun = (saved?.invoices.length ?? 0) > 0;
  const schedule = useMemo((): Schemas["RecurringSchedulePreview"] | null => {
    if (begun || !startDate) return null;
    const end = endKind === "date" && endDate ? { end_date: endDate } : {};
    const times = endKind === "count" && /^\d+$/.test(count.trim()) ? { count: Number(count.trim()) } : {};
    return { frequency, start_date: startDate, time_zone: timeZone.trim() || "UTC", ...end, ...times };
  }, [begun, frequency, startDate, endKind, endDate, count, timeZone]);

  // One key per screen: a double click or a retried request creates one recurring invoice.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const submit = useSubmit(async () => {
    const localErrors: Record<string, string> = {};
    const whole = (text: string, field: string) => {
      const n = Number(text.trim());
      if (!/^\d+$/.test(text.trim())) localErrors[field] = "must be a whole number";
      return n;
    };
    const body: Schemas["RecurringInvoiceChanges"] = {
      name: name.trim() || undefined,
      client_id: clientId,
      currency: (currency || undefined) as Schemas["CurrencyCode"] | undefined,
      lines: linesBody(editor.lines, moneyCurrency, localErrors),
      discount: discountBody(editor.discountKind, editor.discount, moneyCurrency, localErrors),
      notes: notes.trim() ? notes : null,
      payment_terms_days: whole(terms, "payment_terms_days"),
      catch_up: catchUp,
      send,
      end_date: endKind === "date" ? endDate : null,
      count: endKind === "count" ? whole(count, "count") : null,
    };
    if (!begun) Object.assign(body, { frequency, start_date: startDate, time_zone: timeZone.trim() });
    if (!clientId) localErrors.client_id = "choose a client";
    if (!begun && !startDate) localErrors.start_date = "choose the first date";
    if (endKind === "date" && !endDate) localErrors.end_date = "choose the last date";
    refuseFields(localErrors);
    const template = id
      ? await unwrap(api.PATCH("/recurring-invoices/{id}", { params: { path: { id }, header: ifMatch(saved?.version ?? 1) }, body }))
      : await unwrap(api.POST("/recurring-invoices", { params: { header: { "Idempotency-Key": idempotencyKey } }, body: body as Schemas["RecurringInvoiceCreate"] }));
    route(`/app/recurring/${template.id}`);
  });

  if (existing.error?.status === 404) return <NotFound what="Recurring invoice" />;
  if ((existing.loading && id) || clients.loading) return <Loading />;
  const f = submit.fields;
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{id ? `Edit ${saved?.name ?? ""}` : "New recurring invoice"}</h1>
      <ErrorBanner error={clients.error ?? existing.error ?? submit.error} />
      <Form onSubmit={() => void submit.run()}>
        <div class="cols">
          <Input label="Name" name="name" hint="Blank: the first line's description." value={name} onInput={setName} errors={f} />
          <ClientAndCurrency clients={clients.data?.items ?? []} clientId={clientId} onClient={setClientId} currency={currency} onCurrency={setCurrency} errors={f} />
        </div>
        <fieldset>
          <legend>Schedule</legend>
          {begun && (
            <p class="hint">
              Every {frequencyLabel[frequency].toLowerCase()} from {startDate} ({timeZone}): its invoices have begun, so these stay as they are.
            </p>
          )}
          <div class="cols">
            {!begun && (
              <>
                <Field label="Every" error={f.frequency}>
                  {(fid) => (
                    <select id={fid} name="frequency" value={frequency} onChange={(e) => setFrequency(e.currentTarget.value as Schemas["RecurringFrequency"])}>
                      {recurringFrequencyValues.map((v) => (
                        <option key={v} value={v}>
                          {frequencyLabel[v]}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Input label="First date" name="start_date" type="date" hint="Its day of the month is every period's (the 31st: the last day of shorter months)." value={startDate} onInput={setStartDate} errors={f} />
                <Input label="Time zone" name="time_zone" hint="A period begins at midnight here." value={timeZone} onInput={setTimeZone} errors={f} />
              </>
            )}
            <Field label="Ends" error={f.count}>
              {(fid) => (
                <select id={fid} name="end_kind" value={endKind} onChange={(e) => setEndKind(e.currentTarget.value as EndKind)}>
                  <option value="never">Never (until stopped)</option>
                  <option value="date">On a date</option>
                  <option value="count">After a number of invoices</option>
                </select>
              )}
            </Field>
            {endKind === "date" && <Input label="Last date" name="end_date" type="date" value={endDate} onInput={setEndDate} errors={f} />}
            {endKind === "count" && <Input label="Number of invoices" name="count" inputmode="numeric" value={count} onInput={setCount} errors={f} />}
          </div>
        </fieldset>
        <DocumentLines state={editor} currency={moneyCurrency} errors={f} catalogue={catalogue.data?.items ?? []} />
        <div class="cols">
          <Input label="Payment terms (days)" name="payment_terms_days" inputmode="numeric" value={terms} onInput={setTerms} errors={f} />
          <Field label="After time with nothing made" error={f.catch_up} hint="When the app was down for several periods.">
            {(fid, describedBy) => (
              <select id={fid} name="catch_up" value={catchUp} aria-describedby={describedBy} onChange={(e) => setCatchUp(e.currentTarget.value as "latest" | "every")}>
                <option value="latest">Make only the latest invoice</option>
                <option value="every">Make one for every period missed</option>
              </select>
            )}
          </Field>
        </div>
        <div class="field">
          <label>
            <input type="checkbox" name="send" checked={send} onChange={(e) => setSend(e.currentTarget.checked)} /> Send each invoice at once (otherwise it waits as a draft)
          </label>
        </div>
        <Input label="Notes" name="notes" value={notes} onInput={setNotes} errors={f} />
        <div class="actions">
          <button type="submit" disabled={submit.busy}>
            {id ? "Save" : "Create recurring invoice"}
          </button>
          {id && <a href={`/app/recurring/${id}`}>Cancel</a>}
        </div>
      </Form>
      <LiveTotals request={totals} currency={moneyCurrency} />
      {!begun && <SchedulePreview request={schedule} />}
    </section>
  );
}
