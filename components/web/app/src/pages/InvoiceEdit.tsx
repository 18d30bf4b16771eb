import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, getInvoice, type Schemas } from "../api/client";
import { currencyCodeValues } from "../api/schema";
import { minorToInput, parseMoney } from "../api/money";
import { ApiError, ifMatch, unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Field, Form, Input, Loading, NotFound } from "../ui/kit";
import { LiveTotals } from "../ui/LiveTotals";

type Invoice = Schemas["Invoice"];
type LineForm = { description: string; quantity: string; unit_price: string; tax_rate: string };
type DiscountKind = "none" | "percent" | "amount";

const blankLine: LineForm = { description: "", quantity: "1", unit_price: "", tax_rate: "0" };

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
  const [lines, setLines] = useState<LineForm[]>([{ ...blankLine }]);
  const [discountKind, setDiscountKind] = useState<DiscountKind>("none");
  const [discount, setDiscount] = useState("");
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
    const cur = i.currency ?? "EUR";
    setLines(i.lines.map((l) => ({ description: l.description, quantity: l.quantity, unit_price: minorToInput(l.unit_price, cur), tax_rate: l.tax_rate })));
    if (i.discount && "percent" in i.discount) {
      setDiscountKind("percent");
      setDiscount(i.discount.percent);
    } else if (i.discount && "amount" in i.discount) {
      setDiscountKind("amount");
      setDiscount(minorToInput(i.discount.amount, cur));
    }
    setNotes(i.notes ?? "");
  }, [existing.data]);

  const client = clients.data?.items.find((c) => c.id === clientId);
  const moneyCurrency = (currency || client?.default_currency || "EUR").toUpperCase();

  // What the lines add up to, for the live total: only once every line parses.
  const totalsRequest = useMemo((): Schemas["TotalsRequest"] | null => {
    const priced = lines.map((l) => ({ quantity: l.quantity.trim(), unit_price: parseMoney(l.unit_price, moneyCurrency), tax_rate: l.tax_rate.trim() || "0" }));
    if (priced.some((l) => l.unit_price === null || !l.quantity)) return null;
    const ignored: Record<string, string> = {};
    const d = discountBody(discountKind, discount, moneyCurrency, ignored);
    return { lines: priced.map((l) => ({ ...l, unit_price: l.unit_price ?? 0 })), discount: Object.keys(ignored).length ? null : d };
  }, [lines, discountKind, discount, moneyCurrency]);

  const submit = useSubmit(async () => {
    const localErrors: Record<string, string> = {};
    const body = {
      client_id: clientId,
      issue_date: issueDate || undefined,
      due_date: dueDate || undefined,
      currency: (currency.trim() ? currency.trim().toUpperCase() : undefined) as Schemas["CurrencyCode"] | undefined,
      lines: lines.map((l, n) => {
        const price = parseMoney(l.unit_price, moneyCurrency);
        if (price === null) localErrors[`lines[${n}].unit_price`] = `must be an amount in ${moneyCurrency}`;
        return { description: l.description, quantity: l.quantity.trim(), unit_price: price ?? 0, tax_rate: l.tax_rate.trim() || "0" };
      }),
      discount: discountBody(discountKind, discount, moneyCurrency, localErrors),
      notes: notes.trim() ? notes : null,
    };
    if (!clientId) localErrors.client_id = "choose a client";
    if (Object.keys(localErrors).length) {
      throw new ApiError({
        type: "/problems/validation",
        title: "Invalid input",
        status: 422,
        errors: Object.entries(localErrors).map(([field, message]) => ({ field, message })),
      });
    }
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
  const setLine = (n: number, k: keyof LineForm) => (v: string) => setLines(lines.map((l, i) => (i === n ? { ...l, [k]: v } : l)));
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{id ? `Edit ${existing.data?.number ?? ""}` : "New invoice"}</h1>
      <ErrorBanner error={clients.error ?? existing.error ?? submit.error} />
      <Form onSubmit={() => void submit.run()}>
        <div class="cols">
          <Field label="Client" error={f.client_id}>
            {(fid, describedBy) => (
              <select id={fid} name="client_id" required value={clientId} aria-describedby={describedBy} aria-invalid={f.client_id ? "true" : undefined} onChange={(e) => setClientId(e.currentTarget.value)}>
                <option value="">Choose a client…</option>
                {clients.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Currency" error={f.currency}>
            {(fid, describedBy) => (
              <select id={fid} name="currency" value={currency.toUpperCase()} aria-describedby={describedBy} aria-invalid={f.currency ? "true" : undefined} onChange={(e) => setCurrency(e.currentTarget.value)}>
                <option value="">{client?.default_currency ? `The client's (${client.default_currency})` : "Choose a currency…"}</option>
                {currencyCodeValues.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Input label="Issue date" name="issue_date" type="date" hint="Blank: today." value={issueDate} onInput={setIssueDate} errors={f} />
          <Input label="Due date" name="due_date" type="date" hint="Blank: 30 days after issue." value={dueDate} onInput={setDueDate} errors={f} />
        </div>
        <fieldset>
          <legend>Lines</legend>
          {f.lines && <p class="error">{f.lines}</p>}
          {lines.map((l, n) => (
            <div class="line" key={n} role="group" aria-label={`Line ${n + 1}`}>
              <Input label="Description" name={`lines[${n}].description`} required value={l.description} onInput={setLine(n, "description")} errors={f} />
              <Input label="Quantity" name={`lines[${n}].quantity`} inputmode="decimal" required value={l.quantity} onInput={setLine(n, "quantity")} errors={f} />
              <Input label={`Unit price (${moneyCurrency})`} name={`lines[${n}].unit_price`} inputmode="decimal" required value={l.unit_price} onInput={setLine(n, "unit_price")} errors={f} />
              <Input label="Tax %" name={`lines[${n}].tax_rate`} inputmode="decimal" value={l.tax_rate} onInput={setLine(n, "tax_rate")} errors={f} />
              <button type="button" class="secondary" disabled={lines.length === 1} onClick={() => setLines(lines.filter((_, i) => i !== n))} aria-label={`Remove line ${n + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setLines([...lines, { ...blankLine }])}>
            Add line
          </button>
          <CataloguePicker items={catalogue.data?.items ?? []} currency={moneyCurrency} onPick={(line) => setLines(withLine(lines, line))} />
        </fieldset>
        <fieldset>
          <legend>Discount</legend>
          <div class="cols">
            <Field label="Kind" error={f.discount}>
              {(fid) => (
                <select id={fid} name="discount_kind" value={discountKind} onChange={(e) => setDiscountKind(e.currentTarget.value as DiscountKind)}>
                  <option value="none">No discount</option>
                  <option value="percent">Percentage</option>
                  <option value="amount">Amount</option>
                </select>
              )}
            </Field>
            {discountKind !== "none" && (
              <Input
                label={discountKind === "percent" ? "Discount %" : `Discount (${moneyCurrency})`}
                name={discountKind === "percent" ? "discount.percent" : "discount.amount"}
                inputmode="decimal"
                value={discount}
                onInput={setDiscount}
                errors={f}
              />
            )}
          </div>
        </fieldset>
        <Input label="Notes" name="notes" value={notes} onInput={setNotes} errors={f} />
        <div class="actions">
          <button type="submit" disabled={submit.busy}>
            {id ? "Save draft" : "Create draft"}
          </button>
          {id && <a href={`/app/invoices/${id}`}>Cancel</a>}
        </div>
      </Form>
      <LiveTotals request={totalsRequest} currency={moneyCurrency} />
    </section>
  );
}

/** `line` in place of a last line still blank, else after the others. */
function withLine(lines: LineForm[], line: LineForm): LineForm[] {
  const last = lines[lines.length - 1];
  const blankLast = last && !last.description.trim() && !last.unit_price.trim();
  return blankLast ? [...lines.slice(0, -1), line] : [...lines, line];
}

/** Adds a catalogue item as a line: its values are copied, so the line is the invoice's own. */
function CataloguePicker({ items, currency, onPick }: { items: Schemas["Item"][]; currency: string; onPick: (line: LineForm) => void }) {
  const usable = items.filter((i) => i.currency === currency);
  return (
    <Field label="Add from the catalogue" hint={items.length > usable.length ? `Items in other currencies than ${currency} are not offered.` : undefined}>
      {(fid, describedBy) => (
        <select
          id={fid}
          name="catalogue_item"
          value=""
          aria-describedby={describedBy}
          onChange={(e) => {
            const item = usable.find((i) => i.id === e.currentTarget.value);
            if (!item) return;
            const description = item.description ? `${item.name} — ${item.description}` : item.name;
            onPick({ description, quantity: "1", unit_price: minorToInput(item.unit_price, item.currency), tax_rate: item.tax_rate });
          }}
        >
          <option value="">{usable.length ? "Choose an item…" : `No items in ${currency} yet`}</option>
          {usable.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name} — {minorToInput(i.unit_price, i.currency)} {i.currency}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function discountBody(kind: DiscountKind, text: string, currency: string, errors: Record<string, string>): Schemas["InvoiceCreate"]["discount"] {
  if (kind === "none") return null;
  if (kind === "percent") return { percent: text.trim() };
  const amount = parseMoney(text, currency);
  if (amount === null) errors["discount.amount"] = `must be an amount in ${currency}`;
  return { amount: amount ?? 0 };
}
