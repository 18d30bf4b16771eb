import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Form, Input, Loading, NotFound } from "../ui/kit";
import { AddressFields, addressBody, addressForm, emptyAddress, type AddressForm } from "../ui/AddressFields";

type Client = Schemas["Client"];

const empty = { name: "", email: "", phone: "", company: "", tax_id: "", registration_id: "", peppol_id: "", default_currency: "", notes: "" };
type Fields = typeof empty & { address: AddressForm };

function toForm(c: Client): Fields {
  return {
    name: c.name,
    email: c.email ?? "",
    phone: c.phone ?? "",
    company: c.company ?? "",
    tax_id: c.tax_id ?? "",
    registration_id: c.registration_id ?? "",
    peppol_id: c.peppol_id ?? "",
    default_currency: c.default_currency ?? "",
    notes: c.notes ?? "",
    address: addressForm(c.address),
  };
}

/** Blank text is sent as null: the API stores blank optional text as "not set". */
const orNull = (s: string) => (s.trim() === "" ? null : s);

function body(f: Fields) {
  return {
    name: f.name,
    email: orNull(f.email),
    phone: orNull(f.phone),
    company: orNull(f.company),
    tax_id: orNull(f.tax_id),
    registration_id: orNull(f.registration_id),
    peppol_id: orNull(f.peppol_id),
    default_currency: orNull(f.default_currency.toUpperCase()) as Schemas["CurrencyCode"] | null,
    notes: orNull(f.notes),
    address: addressBody(f.address),
  };
}

export default function ClientEdit() {
  const { params } = useRoute();
  const id = params.id;
  const { route } = useLocation();
  const existing = useResource(() => (id ? unwrap(api.GET("/clients/{id}", { params: { path: { id } } })) : Promise.resolve(null)), [id]);
  const [form, setForm] = useState<Fields>({ ...empty, address: emptyAddress });
  useEffect(() => {
    if (existing.data) setForm(toForm(existing.data));
  }, [existing.data]);
  const set = (k: keyof typeof empty) => (v: string) => setForm({ ...form, [k]: v });
  const save = useSubmit(async () => {
    const saved = id
      ? await unwrap(api.PATCH("/clients/{id}", { params: { path: { id } }, body: body(form) }))
      : await unwrap(api.POST("/clients", { body: body(form) }));
    route(`/app/clients/${saved.id}`);
    existing.reload();
  });
  const archive = useSubmit(async () => {
    if (!id) return;
    await unwrap(api.DELETE("/clients/{id}", { params: { path: { id } } }));
    route("/app/clients");
  });
  if (existing.error?.status === 404) return <NotFound what="Client" />;
  if (existing.loading && id) return <Loading />;
  const archivedAt = existing.data?.archived_at;
  return (
    <section aria-labelledby="client-title">
      <h1 id="client-title">{id ? existing.data?.name : "New client"}</h1>
      {archivedAt && <p class="banner">Archived on {new Date(archivedAt).toLocaleDateString()}.</p>}
      {id && (
        <p>
          <a href={`/app/invoices?client_id=${id}`}>This client's invoices</a> · <a href={`/app/invoices/new?client_id=${id}`}>New invoice</a>
        </p>
      )}
      <ErrorBanner error={existing.error ?? save.error ?? archive.error} />
      <Form onSubmit={() => void save.run()}>
        <div class="cols">
          <Input label="Name" name="name" required maxLength={200} value={form.name} onInput={set("name")} errors={save.fields} />
          <Input label="Company" name="company" value={form.company} onInput={set("company")} errors={save.fields} />
          <Input label="Email" name="email" type="email" value={form.email} onInput={set("email")} errors={save.fields} />
          <Input label="Phone" name="phone" type="tel" value={form.phone} onInput={set("phone")} errors={save.fields} />
          <Input label="VAT / tax id" name="tax_id" value={form.tax_id} onInput={set("tax_id")} errors={save.fields} />
          <Input label="Registration number" name="registration_id" value={form.registration_id} onInput={set("registration_id")} errors={save.fields} hint="Company register number (a Danish CVR, a Dutch KvK number)" />
          <Input label="Peppol participant id" name="peppol_id" value={form.peppol_id} onInput={set("peppol_id")} errors={save.fields} hint="Where the client receives e-invoices, such as 0088:5790000435968" />
          <Input
            label="Default currency"
            name="default_currency"
            hint="ISO code, such as EUR or USD."
            maxLength={3}
            value={form.default_currency}
            onInput={set("default_currency")}
            errors={save.fields}
          />
        </div>
        <AddressFields value={form.address} onChange={(address) => setForm({ ...form, address })} errors={save.fields} />
        <Input label="Notes" name="notes" value={form.notes} onInput={set("notes")} errors={save.fields} />
        <div class="actions">
          <button type="submit" disabled={save.busy}>
            {id ? "Save changes" : "Add client"}
          </button>
          {id && !archivedAt && (
            <button type="button" class="danger" disabled={archive.busy} onClick={() => void archive.run()}>
              Archive
            </button>
          )}
        </div>
      </Form>
    </section>
  );
}
