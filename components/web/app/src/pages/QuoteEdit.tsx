import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Schemas } from "../api/client";
import { ifMatch, refuseFields, unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ClientAndCurrency, DocumentLines, discountBody, fillLines, linesBody, totalsRequest, useDocumentLines } from "../ui/DocumentLines";
import { ErrorBanner, Form, Input, Loading, NotFound } from "../ui/kit";
import { LiveTotals } from "../ui/LiveTotals";

type Quote = Schemas["Quote"];

/** A draft quote, new or changed: the one document editor, with the quote's dates. */
export default function QuoteEdit() {
  const { params } = useRoute();
  const id = params.id;
  const { route } = useLocation();
  const existing = useResource(() => (id ? unwrap(api.GET("/quotes/{id}", { params: { path: { id } } })) : Promise.resolve(null)), [id]);
  const clients = useResource(() => unwrap(api.GET("/clients", { params: { query: { limit: 100 } } })), []);
  const catalogue = useResource(() => unwrap(api.GET("/items", { params: { query: { limit: 100 } } })), []);
  const [clientId, setClientId] = useState("");
  const [currency, setCurrency] = useState("");
  const [issueDate, setIssueDate] = useState("");
  const [validUntil, setValidUntil] = useState("");
  const [notes, setNotes] = useState("");
  const editor = useDocumentLines();
  const [saved, setSaved] = useState<Quote | null>(null);

  useEffect(() => {
    const q = existing.data;
    if (!q) return;
    setSaved(q);
    setClientId(q.client_id);
    setCurrency(q.currency);
    setIssueDate(q.issue_date);
    setValidUntil(q.valid_until);
    setNotes(q.notes ?? "");
    fillLines(editor, q.lines, q.discount, q.currency);
  }, [existing.data]);

  const client = clients.data?.items.find((c) => c.id === clientId);
  const moneyCurrency = (currency || client?.default_currency || "EUR").toUpperCase();
  const totals = useMemo(() => totalsRequest(editor, moneyCurrency), [editor.lines, editor.discountKind, editor.discount, moneyCurrency]);

  // One key per screen: a double click or a retried request creates one quote.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const submit = useSubmit(async () => {
    const localErrors: Record<string, string> = {};
    const body: Schemas["QuoteChanges"] = {
      client_id: clientId,
      currency: (currency || undefined) as Schemas["CurrencyCode"] | undefined,
      lines: linesBody(editor.lines, moneyCurrency, localErrors),
      discount: discountBody(editor.discountKind, editor.discount, moneyCurrency, localErrors),
      notes: notes.trim() ? notes : null,
      issue_date: issueDate || undefined,
      valid_until: validUntil || undefined,
    };
    if (!clientId) localErrors.client_id = "choose a client";
    refuseFields(localErrors);
    const quote = id
      ? await unwrap(api.PATCH("/quotes/{id}", { params: { path: { id }, header: ifMatch(saved?.version ?? 1) }, body }))
      : await unwrap(api.POST("/quotes", { params: { header: { "Idempotency-Key": idempotencyKey } }, body: body as Schemas["QuoteCreate"] }));
    route(`/app/quotes/${quote.id}`);
  });

  if (existing.error?.status === 404) return <NotFound what="Quote" />;
  if ((existing.loading && id) || clients.loading) return <Loading />;
  const f = submit.fields;
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{id ? `Edit ${saved?.number ?? ""}` : "New quote"}</h1>
      <ErrorBanner error={clients.error ?? existing.error ?? submit.error} />
      <Form onSubmit={() => void submit.run()}>
        <div class="cols">
          <ClientAndCurrency clients={clients.data?.items ?? []} clientId={clientId} onClient={setClientId} currency={currency} onCurrency={setCurrency} errors={f} />
          <Input label="Issue date" name="issue_date" type="date" hint="Blank: today." value={issueDate} onInput={setIssueDate} errors={f} />
          <Input label="Valid until" name="valid_until" type="date" hint="Blank: 30 days after the issue date." value={validUntil} onInput={setValidUntil} errors={f} />
        </div>
        <DocumentLines state={editor} currency={moneyCurrency} errors={f} catalogue={catalogue.data?.items ?? []} />
        <Input label="Notes" name="notes" value={notes} onInput={setNotes} errors={f} />
        <div class="actions">
          <button type="submit" disabled={submit.busy}>
            {id ? "Save" : "Create quote"}
          </button>
          {id && <a href={`/app/quotes/${id}`}>Cancel</a>}
        </div>
      </Form>
      <LiveTotals request={totals} currency={moneyCurrency} />
    </section>
  );
}
