// An invoice's credit notes, the form that issues one — the whole invoice, some of its
// lines (all or part of their quantity), or a net amount at one of its tax rates — and
// the one that records money paid back against one.
// The server decides what fits (never more than is left to credit, or owed back) and
// says so by field; the screen does no sums of its own.
import { useMemo, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { formatMoney, minorToInput, parseMoney } from "../api/money";
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
            <th scope="col" class="num wide">Refunded</th>
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
              <td class="num wide">{c.amount_refunded > 0 ? formatMoney(c.amount_refunded, i.currency) : ""}</td>
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

type CreditKind = "whole" | "lines" | "amount";

export function CreditInvoice({ invoice, onCredited }: { invoice: Invoice; onCredited: (i: Invoice) => void }) {
  const currency = invoice.currency ?? "EUR";
  const rates = invoice.taxes.map((t) => t.rate);
  const whole = invoice.amount_credited === 0;
  // A fixed discount cannot be shared out by lines (the server says so): whole or amount.
  const byLines = !(invoice.discount && "amount" in invoice.discount);
  const [kind, setKind] = useState<CreditKind>(whole ? "whole" : "amount");
  const [amount, setAmount] = useState("");
  const [rate, setRate] = useState(rates[0] ?? "0");
  const [reason, setReason] = useState("");
  // Position (from 1) → the quantity to credit, for the lines chosen.
  const [chosen, setChosen] = useState<Map<number, string>>(new Map());
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
    if (kind === "lines") {
      if (chosen.size === 0) refuseField("lines", "choose at least one line to credit");
      body = { ...body, lines: [...chosen].map(([line, quantity]) => ({ line, quantity: quantity.trim() })) };
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
    setChosen(new Map());
    setKind("amount");
  });
  const choose = (line: number, quantity: string | null) => {
    const next = new Map(chosen);
    if (quantity === null) next.delete(line);
    else next.set(line, quantity);
    setChosen(new Map([...next].sort(([a], [b]) => a - b)));
  };
  // The server names a chosen line's error by its place among the chosen (`lines[0]…`).
  const lineError = (line: number) => {
    const at = [...chosen.keys()].indexOf(line);
    return at < 0 ? undefined : (submit.fields[`lines[${at}].quantity`] ?? submit.fields[`lines[${at}].line`]);
  };
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
            <select id={fid} name="credit_kind" value={kind} aria-describedby={describedBy} onChange={(e) => setKind(e.currentTarget.value as CreditKind)}>
              {whole && <option value="whole">The whole invoice</option>}
              {byLines && <option value="lines">Some of its lines</option>}
              <option value="amount">A net amount</option>
            </select>
          )}
        </Field>
        {kind === "lines" && (
          <fieldset class="credit-lines">
            <legend>Lines to credit</legend>
            {invoice.lines.map((line, at) => {
              const position = at + 1;
              const quantity = chosen.get(position);
              const error = lineError(position);
              return (
                <div key={position} class="credit-line">
                  <label class="check">
                    <input
                      type="checkbox"
                      name={`credit_line_${position}`}
                      checked={quantity !== undefined}
                      onChange={(e) => choose(position, e.currentTarget.checked ? line.quantity : null)}
                    />{" "}
                    {line.description} ({line.quantity} × {formatMoney(line.unit_price, invoice.currency)})
                  </label>
                  {quantity !== undefined && (
                    <Input
                      label={`Quantity of “${line.description}” to credit`}
                      name={`credit_quantity_${position}`}
                      inputmode="decimal"
                      required
                      value={quantity}
                      onInput={(value) => choose(position, value)}
                      errors={error ? { [`credit_quantity_${position}`]: error } : undefined}
                    />
                  )}
                </div>
              );
            })}
          </fieldset>
        )}
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

/**
 * Money paid back to the client against a credit note, once a credit on a paid invoice
 * left some owed back. The app moves no money: this records what the freelancer paid.
 */
export function RecordRefund({ invoice, onRefunded }: { invoice: Invoice; onRefunded: (i: Invoice) => void }) {
  const currency = invoice.currency ?? "EUR";
  const notes = invoice.credit_notes.filter((c) => c.total > c.amount_refunded);
  const [noteId, setNoteId] = useState(notes[0]?.id ?? "");
  const note = notes.find((c) => c.id === noteId) ?? notes[0];
  const [amount, setAmount] = useState(minorToInput(Math.min(invoice.owed_back, note ? note.total - note.amount_refunded : 0), currency));
  const [refundedOn, setRefundedOn] = useState(new Date().toISOString().slice(0, 10));
  const [method, setMethod] = useState("");
  const key = useMemo(() => crypto.randomUUID(), [invoice.version]);
  const submit = useSubmit(async () => {
    const minor = parseMoney(amount, currency);
    if (minor === null) refuseField("amount", `must be an amount in ${currency}`);
    const updated = await unwrap(
      api.POST("/invoices/{id}/credit-notes/{note_id}/refunds", {
        params: { path: { id: invoice.id, note_id: note?.id ?? "" }, header: { ...ifMatch(invoice.version), "Idempotency-Key": key } },
        body: { amount: minor as number, refunded_on: refundedOn, method: method.trim() || null },
      }),
    );
    onRefunded(updated);
  });
  if (!note) return null;
  return (
    <Form onSubmit={() => void submit.run()}>
      <h2 id="refund-title">Money owed back</h2>
      <p class="hint">
        The client paid {formatMoney(invoice.owed_back, invoice.currency)} more than the invoice now charges. Once you have paid it back, record it here.
      </p>
      <ErrorBanner error={submit.error} />
      <div class="cols">
        <Field label="Against credit note" error={submit.fields.credit_note}>
          {(fid, describedBy) => (
            <select id={fid} name="credit_note" value={note.id} aria-describedby={describedBy} onChange={(e) => setNoteId(e.currentTarget.value)}>
              {notes.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.number}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Input label={`Refunded (${currency})`} name="amount" inputmode="decimal" required value={amount} onInput={setAmount} errors={submit.fields} />
        <Input label="Refunded on" name="refunded_on" type="date" value={refundedOn} onInput={setRefundedOn} errors={submit.fields} />
        <Input label="How" name="method" maxLength={50} hint="Bank transfer, card…" value={method} onInput={setMethod} errors={submit.fields} />
      </div>
      <button type="submit" disabled={submit.busy}>
        Record refund
      </button>
    </Form>
  );
}
