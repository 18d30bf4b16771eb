import { useMemo, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, getInvoice, type Schemas } from "../api/client";
import { formatMoney, minorToInput, parseMoney } from "../api/money";
import { ifMatch, refuseField, unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Form, Input, Loading, NotFound, StatusBadge } from "../ui/kit";
import { Totals } from "../ui/Totals";
import { Deliveries } from "../ui/Deliveries";
import { ShareLinks } from "../ui/ShareLinks";
import { EinvoiceProfile } from "../ui/EinvoiceProfile";
import { saveFile } from "../ui/save";
import { CreditInvoice, CreditNoteList, RecordRefund } from "../ui/CreditNotes";
import { QuotedIn } from "../ui/quotes";

type Invoice = Schemas["Invoice"];

export default function InvoiceView() {
  const { params } = useRoute();
  const id = params.id ?? "";
  const { route } = useLocation();
  const loaded = useResource(() => getInvoice(id), [id]);
  const [fresh, setFresh] = useState<Invoice | null>(null);
  const invoice = fresh?.id === id ? fresh : loaded.data;
  const client = useResource(
    () => (invoice && !invoice.buyer ? unwrap(api.GET("/clients/{id}", { params: { path: { id: invoice.client_id } } })) : Promise.resolve(null)),
    [invoice?.client_id, invoice?.buyer],
  );
  const path = { params: { path: { id }, header: ifMatch(invoice?.version ?? 1) } };
  const send = useSubmit(async () => setFresh(await unwrap(api.POST("/invoices/{id}/send", path))));
  const voidIt = useSubmit(async () => setFresh(await unwrap(api.POST("/invoices/{id}/void", path))));
  const remove = useSubmit(async () => {
    await unwrap(api.DELETE("/invoices/{id}", path));
    route("/app/invoices");
  });
  const download = useSubmit(async (kind: "pdf" | "xml") => {
    const answer = await unwrap(
      kind === "pdf"
        ? api.GET("/invoices/{id}/pdf", { params: { path: { id } }, parseAs: "blob" })
        : api.GET("/invoices/{id}/xml", { params: { path: { id } }, parseAs: "blob" }),
    );
    saveFile(answer as Blob, `${invoice?.number ?? "invoice"}.${kind}`);
  });

  if (loaded.error?.status === 404) return <NotFound what="Invoice" />;
  if (loaded.loading && !invoice) return <Loading />;
  if (!invoice) return <ErrorBanner error={loaded.error} />;
  const i = invoice;
  const party = i.buyer ?? client.data;
  const error = send.error ?? voidIt.error ?? remove.error ?? download.error;
  const open = i.status === "sent" || i.status === "overdue";
  return (
    <section aria-labelledby="invoice-title">
      <div class="title-row">
        <h1 id="invoice-title">
          {i.number} <StatusBadge status={i.status} />
        </h1>
        <div class="actions">
          {i.status === "draft" && (
            <>
              <a class="button secondary" href={`/app/invoices/${i.id}/edit`}>
                Edit
              </a>
              <button type="button" disabled={send.busy} onClick={() => void send.run()}>
                Send
              </button>
              <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
                Delete draft
              </button>
            </>
          )}
          <button type="button" class="secondary" onClick={() => void download.run("pdf")}>
            Download PDF
          </button>
          {i.status !== "draft" && (
            <button type="button" class="secondary" onClick={() => void download.run("xml")}>
              Download e-invoice (XML)
            </button>
          )}
          {open && (
            <button type="button" class="danger" disabled={voidIt.busy} onClick={() => void voidIt.run()}>
              Void
            </button>
          )}
        </div>
      </div>
      <ErrorBanner error={error} />
      {error?.problem.errors && error.status === 409 && (
        <ul class="error">
          {error.problem.errors.map((e) => (
            <li key={e.field}>
              {e.field}: {e.message}
            </li>
          ))}
        </ul>
      )}
      {(error?.status === 412 || error?.status === 409) && (
        <button type="button" class="secondary" onClick={() => { setFresh(null); loaded.reload(); }}>
          Reload
        </button>
      )}
      <dl class="facts">
        <dt>Client</dt>
        <dd>{party ? <a href={`/app/clients/${i.client_id}`}>{party.name}</a> : "…"}</dd>
        <dt>Issued</dt>
        <dd>{i.issue_date}</dd>
        <dt>Due</dt>
        <dd>{i.due_date}</dd>
        <dt>Currency</dt>
        <dd>{i.currency}</dd>
        <dt>E-invoice</dt>
        <EinvoiceProfile key={`${i.id}-${i.version}`} invoiceId={i.id} clientId={i.client_id} sent={i.status !== "draft"} />
        <QuotedIn invoiceId={i.id} />
      </dl>
      <table>
        <caption>Lines</caption>
        <thead>
          <tr>
            <th scope="col">Description</th>
            <th scope="col" class="num">Quantity</th>
            <th scope="col" class="num wide">Unit price</th>
            <th scope="col" class="num wide">Tax</th>
            <th scope="col" class="num">Net</th>
          </tr>
        </thead>
        <tbody>
          {i.lines.map((l, n) => (
            <tr key={n}>
              <td>{l.description}</td>
              <td class="num">{l.quantity}</td>
              <td class="num wide">{formatMoney(l.unit_price, i.currency)}</td>
              <td class="num wide">{l.tax_rate} %</td>
              <td class="num">{formatMoney(l.net, i.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Totals invoice={i} />
      {i.notes && <p class="notes">{i.notes}</p>}
      {i.payments.length > 0 && (
        <table>
          <caption>Payments</caption>
          <thead>
            <tr>
              <th scope="col">Paid on</th>
              <th scope="col">Method</th>
              <th scope="col" class="wide">Reference</th>
              <th scope="col" class="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {i.payments.map((p) => (
              <tr key={p.id}>
                <td>{p.paid_on}</td>
                <td>{p.method ?? (p.source === "stripe" ? "Card (Stripe)" : "")}</td>
                <td class="wide">{p.reference}</td>
                <td class="num">{formatMoney(p.amount, i.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreditNoteList invoice={i} />
      {open && <RecordPayment key={i.version} invoice={i} onRecorded={setFresh} />}
      {(open || i.status === "paid") && i.amount_credited < i.total && <CreditInvoice invoice={i} onCredited={setFresh} />}
      {i.owed_back > 0 && <RecordRefund key={i.version} invoice={i} onRefunded={setFresh} />}
      {i.status !== "draft" && <Deliveries invoiceId={i.id} sentAt={i.sent_at} />}
      {i.status !== "draft" && <ShareLinks invoiceId={i.id} />}
    </section>
  );
}

function RecordPayment({ invoice, onRecorded }: { invoice: Invoice; onRecorded: (i: Invoice) => void }) {
  const currency = invoice.currency ?? "EUR";
  const [amount, setAmount] = useState(minorToInput(invoice.balance_due, currency));
  const [paidOn, setPaidOn] = useState(new Date().toISOString().slice(0, 10));
  const [method, setMethod] = useState("");
  const [reference, setReference] = useState("");
  const key = useMemo(() => crypto.randomUUID(), [invoice.version]);
  const submit = useSubmit(async () => {
    const minor = parseMoney(amount, currency);
    if (minor === null) {
      refuseField("amount", `must be an amount in ${currency}`);
    }
    const updated = await unwrap(
      api.POST("/invoices/{id}/payments", {
        params: { path: { id: invoice.id }, header: { ...ifMatch(invoice.version), "Idempotency-Key": key } },
        body: { amount: minor, paid_on: paidOn, method: method.trim() || null, reference: reference.trim() || null },
      }),
    );
    onRecorded(updated);
    setAmount(minorToInput(updated.balance_due, currency));
  });
  return (
    <Form onSubmit={() => void submit.run()}>
      <h2 id="pay-title">Record a payment</h2>
      <ErrorBanner error={submit.error} />
      <div class="cols">
        <Input label={`Amount (${currency})`} name="amount" inputmode="decimal" required value={amount} onInput={setAmount} errors={submit.fields} />
        <Input label="Paid on" name="paid_on" type="date" value={paidOn} onInput={setPaidOn} errors={submit.fields} />
        <Input label="Method" name="method" hint="Bank transfer, cash…" value={method} onInput={setMethod} errors={submit.fields} />
        <Input label="Reference" name="reference" value={reference} onInput={setReference} errors={submit.fields} />
      </div>
      <button type="submit" disabled={submit.busy}>
        Record payment
      </button>
    </Form>
  );
}
