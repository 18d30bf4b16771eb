import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { currencyCodeValues } from "../api/schema";
import { minorToInput, parseMoney } from "../api/money";
import { Field, Input } from "./kit";

/**
 * The lines and the discount of a document as the freelancer types them: one editor for
 * every kind (an invoice, a recurring invoice's template), so each gains the same
 * catalogue picker, the same checks and the same live total.
 */
export type LineForm = { description: string; quantity: string; unit_price: string; tax_rate: string };
export type DiscountKind = "none" | "percent" | "amount";

const blankLine: LineForm = { description: "", quantity: "1", unit_price: "", tax_rate: "0" };

export type DocumentLinesState = {
  lines: LineForm[];
  setLines: (lines: LineForm[]) => void;
  discountKind: DiscountKind;
  setDiscountKind: (kind: DiscountKind) => void;
  discount: string;
  setDiscount: (text: string) => void;
};

export function useDocumentLines(): DocumentLinesState {
  const [lines, setLines] = useState<LineForm[]>([{ ...blankLine }]);
  const [discountKind, setDiscountKind] = useState<DiscountKind>("none");
  const [discount, setDiscount] = useState("");
  return { lines, setLines, discountKind, setDiscountKind, discount, setDiscount };
}

/** Fills the editor with what a document the API answered says. */
export function fillLines(state: DocumentLinesState, lines: Schemas["Line"][], discount: Schemas["Discount"], currency: string) {
  state.setLines(lines.map((l) => ({ description: l.description, quantity: l.quantity, unit_price: minorToInput(l.unit_price, currency), tax_rate: l.tax_rate })));
  if (discount && "percent" in discount) {
    state.setDiscountKind("percent");
    state.setDiscount(discount.percent);
  } else if (discount && "amount" in discount) {
    state.setDiscountKind("amount");
    state.setDiscount(minorToInput(discount.amount, currency));
  }
}

/** The lines as a body names them; a price that does not parse is put in `errors`. */
export function linesBody(lines: LineForm[], currency: string, errors: Record<string, string>): Schemas["LineInput"][] {
  return lines.map((l, n) => {
    const price = parseMoney(l.unit_price, currency);
    if (price === null) errors[`lines[${n}].unit_price`] = `must be an amount in ${currency}`;
    return { description: l.description, quantity: l.quantity.trim(), unit_price: price ?? 0, tax_rate: l.tax_rate.trim() || "0" };
  });
}

export function discountBody(kind: DiscountKind, text: string, currency: string, errors: Record<string, string>): Schemas["InvoiceCreate"]["discount"] {
  if (kind === "none") return null;
  if (kind === "percent") return { percent: text.trim() };
  const amount = parseMoney(text, currency);
  if (amount === null) errors["discount.amount"] = `must be an amount in ${currency}`;
  return { amount: amount ?? 0 };
}

/** What the lines add up to, for the live total: only once every line parses. */
export function totalsRequest(state: DocumentLinesState, currency: string): Schemas["TotalsRequest"] | null {
  const priced = state.lines.map((l) => ({ quantity: l.quantity.trim(), unit_price: parseMoney(l.unit_price, currency), tax_rate: l.tax_rate.trim() || "0" }));
  if (priced.some((l) => l.unit_price === null || !l.quantity)) return null;
  const ignored: Record<string, string> = {};
  const d = discountBody(state.discountKind, state.discount, currency, ignored);
  return { lines: priced.map((l) => ({ ...l, unit_price: l.unit_price ?? 0 })), discount: Object.keys(ignored).length ? null : d };
}

/** Whom the document is for, and in what currency (the client's own by default). */
export function ClientAndCurrency({ clients, clientId, onClient, currency, onCurrency, errors }: { clients: Schemas["Client"][]; clientId: string; onClient: (id: string) => void; currency: string; onCurrency: (code: string) => void; errors: Record<string, string> }) {
  const client = clients.find((c) => c.id === clientId);
  return (
    <>
      <Field label="Client" error={errors.client_id}>
        {(fid, describedBy) => (
          <select id={fid} name="client_id" required value={clientId} aria-describedby={describedBy} aria-invalid={errors.client_id ? "true" : undefined} onChange={(e) => onClient(e.currentTarget.value)}>
            <option value="">Choose a client…</option>
            {clients.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Currency" error={errors.currency}>
        {(fid, describedBy) => (
          <select id={fid} name="currency" value={currency.toUpperCase()} aria-describedby={describedBy} aria-invalid={errors.currency ? "true" : undefined} onChange={(e) => onCurrency(e.currentTarget.value)}>
            <option value="">{client?.default_currency ? `The client's (${client.default_currency})` : "Choose a currency…"}</option>
            {currencyCodeValues.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}

/** The lines fieldset (with the catalogue picker) and the discount fieldset. */
export function DocumentLines({ state, currency, errors, catalogue }: { state: DocumentLinesState; currency: string; errors: Record<string, string>; catalogue: Schemas["Item"][] }) {
  const { lines, setLines, discountKind, setDiscountKind, discount, setDiscount } = state;
  const f = errors;
  const setLine = (n: number, k: keyof LineForm) => (v: string) => setLines(lines.map((l, i) => (i === n ? { ...l, [k]: v } : l)));
  return (
    <>
      <fieldset>
        <legend>Lines</legend>
        {f.lines && <p class="error">{f.lines}</p>}
        {lines.map((l, n) => (
          <div class="line" key={n} role="group" aria-label={`Line ${n + 1}`}>
            <Input label="Description" name={`lines[${n}].description`} required value={l.description} onInput={setLine(n, "description")} errors={f} />
            <Input label="Quantity" name={`lines[${n}].quantity`} inputmode="decimal" required value={l.quantity} onInput={setLine(n, "quantity")} errors={f} />
            <Input label={`Unit price (${currency})`} name={`lines[${n}].unit_price`} inputmode="decimal" required value={l.unit_price} onInput={setLine(n, "unit_price")} errors={f} />
            <Input label="Tax %" name={`lines[${n}].tax_rate`} inputmode="decimal" value={l.tax_rate} onInput={setLine(n, "tax_rate")} errors={f} />
            <button type="button" class="secondary" disabled={lines.length === 1} onClick={() => setLines(lines.filter((_, i) => i !== n))} aria-label={`Remove line ${n + 1}`}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => setLines([...lines, { ...blankLine }])}>
          Add line
        </button>
        <CataloguePicker items={catalogue} currency={currency} onPick={(line) => setLines(withLine(lines, line))} />
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
              label={discountKind === "percent" ? "Discount %" : `Discount (${currency})`}
              name={discountKind === "percent" ? "discount.percent" : "discount.amount"}
              inputmode="decimal"
              value={discount}
              onInput={setDiscount}
              errors={f}
            />
          )}
        </div>
      </fieldset>
    </>
  );
}

/** `line` in place of a last line still blank, else after the others. */
function withLine(lines: LineForm[], line: LineForm): LineForm[] {
  const last = lines[lines.length - 1];
  const blankLast = last && !last.description.trim() && !last.unit_price.trim();
  return blankLast ? [...lines.slice(0, -1), line] : [...lines, line];
}

/** Adds a catalogue item as a line: its values are copied, so the line is the document's own. */
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
