// An invoice's credit notes, and the form that issues one: the whole invoice, or a net
// amount at one of its tax rates. The server decides what fits (never more than is left
// to credit) and says so by field; the screen does no sums of its own.
import { useMemo, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { formatMoney, parseMoney } from "../api/money";
import { ifMatch, refuseField, unwrap } from "../api/problem";
import { useSubmit } from "./hooks";
import { ErrorBanner, Field, Form, Input } from "./kit";
import { saveFile } from "./save";

type Invoice = Schemas["Invoice"];

export function CreditNoteList({ invoice: i }: { invoice: Invoice }) {
  const download = useSubmit(async (noteId: string, number: string, kind: "pdf" | "xml") => {
    const path = { params: { path: { id: i.id, note_id: noteId } }, parseAs: "blob" as const };
    const answer = await unwrap(
      kind === "pdf"
        ? api.GET("/invoices/{id}/credit-notes/{note_id}/pdf", path)
        : api.GET("/invoices/{id}/credit-notes/{note_id}/xml", path),
    );
    saveFile(answer as Blob, `${number}.${kind}`);
  });
  if (i.credit_notes.length === 0) return null;
  return (
    <>
      <ErrorBanner error={download.error} />
      <table>
        <caption>Credit notes</caption>
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Issued</th>
            <th scope="col" class="wide">Reason</th>
            <th scope="col" class="num">Credited</th>
            <th scope="col">Documents</th>
          </tr>
        </thead>
        <tbody>
          {i.credit_notes.map((c) => (
            <tr key={c.id}>
              <td>{c.number}</td>
              <td>{c.issue_date}</td>
              <td class="wide">{c.reason}</td>
              <td class="num">{formatMoney(c.total, i.currency)}</td>
              <td>
                <button type="button" class="secondary" aria-label={`Download ${c.number} as PDF`} onClick={() => void download.run(c.id, c.number, "pdf")}>
                  PDF
                </button>{" "}
                <button type="button" class="secondary" aria-label={`Download ${c.number} as XML`} onClick={() => void download.run(c.id, c.number, "xml")}>
                  XML
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function CreditInvoice({ invoice, onCredited }: { invoice: Invoice; onCredited: (i: Invoice) => void }) {
  const currency = invoice.currency ?? "EUR";
  const rates = invoice.taxes.map((t) => t.rate);
  const whole = invoice.amount_credited === 0;
  const [kind, setKind] = useState<"whole" | "amount">(whole ? "whole" : "amount");
  const [amount, setAmount] = useState("");
  const [rate, setRate] = useState(rates[0] ?? "0");
  const [reason, setReason] = useState("");
  const key = useMemo(() => crypto.randomUUID(), [invoice.version]);
  const submit = useSubmit(async () => {
    let body: Schemas["CreditNoteCreate"] = { reason: reason.trim() || null };
    if (kind === "amount") {
      const minor = parseMoney(amount, currency);
      if (minor === null) {
        refuseField("amount", `must be an amount in ${currency}`);
      }
      body = { ...body, amount: minor, tax_rate: rate };
    }
    const updated = await unwrap(
      api.POST("/invoices/{id}/credit-notes", {
        params: { path: { id: invoice.id }, header: { ...ifMatch(invoice.version), "Idempotency-Key": key } },
        body,
      }),
    );
    onCredited(updated);
    setAmount("");
    setReason("");
    setKind("amount");
  });
  const left = invoice.total - invoice.amount_credited;
  return (
    <Form onSubmit={() => void submit.run()}>
      <h2 id="credit-title">Credit this invoice</h2>
      <p class="hint">
        A sent invoice is never edited: a credit note takes back what it charged. Up to {formatMoney(left, invoice.currency)} is left to credit.
      </p>
      <ErrorBanner error={submit.error} />
      <div class="cols">
        <Field label="What to credit" error={submit.fields.lines}>
          {(fid, describedBy) => (
            <select id={fid} name="credit_kind" value={kind} aria-describedby={describedBy} onChange={(e) => setKind(e.currentTarget.value as "whole" | "amount")}>
              {whole && <option value="whole">The whole invoice</option>}
              <option value="amount">A net amount</option>
            </select>
          )}
        </Field>
        {kind === "amount" && (
          <>
            <Input label={`Net amount (${currency})`} name="amount" inputmode="decimal" required value={amount} onInput={setAmount} errors={submit.fields} />
            <Field label="Tax rate" error={submit.fields.tax_rate}>
              {(fid, describedBy) => (
                <select id={fid} name="tax_rate" value={rate} aria-describedby={describedBy} onChange={(e) => setRate(e.currentTarget.value)}>
                  {rates.map((r) => (
                    <option key={r} value={r}>
                      {r} %
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
        <Input label="Reason" name="reason" maxLength={500} hint="Shown on the credit note" value={reason} onInput={setReason} errors={submit.fields} />
      </div>
      <button type="submit" disabled={submit.busy}>
        Issue credit note
      </button>
    </Form>
  );
}
