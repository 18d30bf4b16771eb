import { useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { currencyCodeValues } from "../api/schema";
import { formatMoney, minorToInput, parseMoney } from "../api/money";
import { refuseField, unwrap } from "../api/problem";
import { useCursors, useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Field, Form, Input, Listing, Pager } from "../ui/kit";

type Item = Schemas["Item"];
const blank = { name: "", description: "", unit_price: "", currency: "EUR", tax_rate: "0" };
type Fields = typeof blank;

function toForm(i: Item): Fields {
  return { name: i.name, description: i.description ?? "", unit_price: minorToInput(i.unit_price, i.currency), currency: i.currency, tax_rate: i.tax_rate };
}

/** The products and services picked into a document's lines: add, change, delete. */
export default function Catalogue() {
  const [q, setQ] = useState("");
  const cursors = useCursors();
  const cursor = cursors.cursor;
  const page = useResource(() => unwrap(api.GET("/items", { params: { query: { q: q || undefined, cursor, limit: 20 } } })), [q, cursor]);
  const [editing, setEditing] = useState<Item | null>(null);
  const [form, setForm] = useState<Fields>(blank);
  const set = (k: keyof Fields) => (v: string) => setForm({ ...form, [k]: v });
  const save = useSubmit(async () => {
    const price = parseMoney(form.unit_price, form.currency);
    if (price === null) {
      refuseField("unit_price", `must be an amount in ${form.currency}`);
    }
    const body = { name: form.name, description: form.description.trim() ? form.description : null, unit_price: price, currency: form.currency as Schemas["CurrencyCode"], tax_rate: form.tax_rate.trim() || "0" };
    if (editing) await unwrap(api.PATCH("/items/{id}", { params: { path: { id: editing.id } }, body }));
    else await unwrap(api.POST("/items", { body }));
    setEditing(null);
    setForm(blank);
    page.reload();
  });
  const remove = useSubmit(async (id: string) => {
    await unwrap(api.DELETE("/items/{id}", { params: { path: { id } } }));
    page.reload();
  });
  const f = save.fields;
  return (
    <section aria-labelledby="catalogue-title">
      <h1 id="catalogue-title">Catalogue</h1>
      <p class="hint">Products and services you sell again and again: pick them into an invoice's lines instead of typing them.</p>
      <ErrorBanner error={save.error ?? remove.error} />
      <Form onSubmit={() => void save.run()}>
        <fieldset>
          <legend>{editing ? `Change ${editing.name}` : "Add an item"}</legend>
          <div class="cols">
            <Input label="Item name" name="name" required maxLength={200} value={form.name} onInput={set("name")} errors={f} />
            <Input label={`Price (${form.currency})`} name="unit_price" inputmode="decimal" required value={form.unit_price} onInput={set("unit_price")} errors={f} />
            <Field label="Item currency" error={f.currency}>
              {(fid, describedBy) => (
                <select id={fid} name="currency" value={form.currency} aria-describedby={describedBy} onChange={(e) => set("currency")(e.currentTarget.value)}>
                  {currencyCodeValues.map((code) => (
                    <option key={code} value={code}>
                      {code}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Input label="Item tax %" name="tax_rate" inputmode="decimal" value={form.tax_rate} onInput={set("tax_rate")} errors={f} />
          </div>
          <Input label="Item description" name="description" value={form.description} onInput={set("description")} errors={f} />
          <div class="actions">
            <button type="submit" disabled={save.busy}>
              {editing ? "Save item" : "Add item"}
            </button>
            {editing && (
              <button type="button" class="secondary" onClick={() => { setEditing(null); setForm(blank); }}>
                Cancel
              </button>
            )}
          </div>
        </fieldset>
      </Form>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" name="q" value={q} placeholder="Name or description" onInput={(e) => { setQ(e.currentTarget.value); cursors.first(); }} />
        </label>
      </form>
      <Listing page={page} empty={q ? "No item matches." : "No items yet."}>
        {(items) => (
          <table>
            <caption>Items</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="num">Price</th>
                <th scope="col" class="num wide">Tax</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td>
                    {i.name}
                    {i.description && <div class="hint">{i.description}</div>}
                  </td>
                  <td class="num">{formatMoney(i.unit_price, i.currency)}</td>
                  <td class="num wide">{i.tax_rate} %</td>
                  <td class="actions">
                    <button type="button" class="secondary" aria-label={`Change ${i.name}`} onClick={() => { setEditing(i); setForm(toForm(i)); }}>
                      Change
                    </button>
                    <button type="button" class="danger" aria-label={`Delete ${i.name}`} disabled={remove.busy} onClick={() => void remove.run(i.id)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Listing>
      <Pager next={page.data?.next_cursor} cursors={cursors} />
    </section>
  );
}
