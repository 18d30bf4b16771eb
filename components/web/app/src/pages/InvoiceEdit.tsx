import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, getInvoice, type Schemas } from "../api/client";
import { ifMatch, refuseFields, unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ClientAndCurrency, DocumentLines, discountBody, fillLines, linesBody, totalsRequest, useDocumentLines } from "../ui/DocumentLines";
import { ErrorBanner, Form, Input, Loading, NotFound } from "../ui/kit";
import { LiveTotals } from "../ui/LiveTotals";

type Invoice = Schemas["Invoice"];

export default function InvoiceEdit() {
  const { params } = useRoute();
  const id = params.id;
  const { query, route } = useLocation();
  // One key per screen: a double click or a retried request creates one invoice.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const existing = useResource(() => (id ? getInvoice(id) : Promise.resolve(null)), [id]);
  const clients = useResource(() => unwrap(api.GET("/clients", { params: { query: { limit: 100 } } })), []);
  const catalogue = useResource(() => unwrap(api.GET("/items", { params: { query: { limit: 100 } } })), []);
  const [clientId, setClientId] = useState(query.client_id ?? "");
  const [issueDate, setIssueDate] = useState("");
  const [dueDate, setDueDate] = useState("");
  const [currency, setCurrency] = useState("");
  const editor = useDocumentLines();
  const [notes, setNotes] = useState("");
  const [saved, setSaved] = useState<Invoice | null>(null);

  useEffect(() => {
    const i = existing.data;
    if (!i) return;
    setSaved(i);
    setClientId(i.client_id);
    setIssueDate(i.issue_date);
    setDueDate(i.due_date);
    setCurrency(i.currency ?? "");
    fillLines(editor, i.lines, i.discount, i.currency ?? "EUR");
    setNotes(i.notes ?? "");
  }, [existing.data]);

  const client = clients.data?.items.find((c) => c.id === clientId);
  const moneyCurrency = (currency || client?.default_currency || "EUR").toUpperCase();

  const totals = useMemo(() => totalsRequest(editor, moneyCurrency), [editor.lines, editor.discountKind, editor.discount, moneyCurrency]);

  const submit = useSubmit(async () => {
    const localErrors: Record<string, string> = {};
    const body = {
      client_id: clientId,
      issue_date: issueDate || undefined,
      due_date: dueDate || undefined,
      currency: (currency.trim() ? currency.trim().toUpperCase() : undefined) as Schemas["CurrencyCode"] | undefined,
      lines: linesBody(editor.lines, moneyCurrency, localErrors),
      discount: discountBody(editor.discountKind, editor.discount, moneyCurrency, localErrors),
      notes: notes.trim() ? notes : null,
    };
    if (!clientId) localErrors.client_id = "choose a client";
    refuseFields(localErrors);
    const invoice = id
      ? await unwrap(api.PATCH("/invoices/{id}", { params: { path: { id }, header: ifMatch(saved?.version ?? 1) }, body }))
      : await unwrap(api.POST("/invoices", { params: { header: { "Idempotency-Key": idempotencyKey } }, body }));
    setSaved(invoice);
    route(`/app/invoices/${invoice.id}`);
  });

  if (existing.error?.status === 404) return <NotFound what="Invoice" />;
  if ((existing.loading && id) || clients.loading) return <Loading />;
  if (existing.data && existing.data.status !== "draft") {
    return (
      <section>
        <h1>{existing.data.number}</h1>
        <p class="banner">Only drafts can be edited; this invoice is {existing.data.status}.</p>
        <a href={`/app/invoices/${id}`}>Back to the invoice</a>
      </section>
    );
  }
  const f = submit.fields;
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{id ? `Edit ${existing.data?.number ?? ""}` : "New invoice"}</h1>
      <ErrorBanner error={clients.error ?? existing.error ?? submit.error} />
      <Form onSubmit={() => void submit.run()}>
        <div class="cols">
          <ClientAndCurrency clients={clients.data?.items ?? []} clientId={clientId} onClient={setClientId} currency={currency} onCurrency={setCurrency} errors={f} />
          <Input label="Issue date" name="issue_date" type="date" hint="Blank: today." value={issueDate} onInput={setIssueDate} errors={f} />
          <Input label="Due date" name="due_date" type="date" hint="Blank: 30 days after issue." value={dueDate} onInput={setDueDate} errors={f} />
        </div>
        <DocumentLines state={editor} currency={moneyCurrency} errors={f} catalogue={catalogue.data?.items ?? []} />
        <Input label="Notes" name="notes" value={notes} onInput={setNotes} errors={f} />
        <div class="actions">
          <button type="submit" disabled={submit.busy}>
            {id ? "Save draft" : "Create draft"}
          </button>
          {id && <a href={`/app/invoices/${id}`}>Cancel</a>}
        </div>
      </Form>
      <LiveTotals request={totals} currency={moneyCurrency} />
    </section>
  );
}
