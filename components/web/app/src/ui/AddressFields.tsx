import type { Schemas } from "../api/client";
import { Input } from "./kit";

export type AddressForm = { line1: string; line2: string; city: string; region: string; postal_code: string; country: string };
export const emptyAddress: AddressForm = { line1: "", line2: "", city: "", region: "", postal_code: "", country: "" };

/** An address as the form edits it (blank text for what is not set). */
export function addressForm(a: Schemas["Address"] | null | undefined): AddressForm {
  if (!a) return emptyAddress;
  return { line1: a.line1 ?? "", line2: a.line2 ?? "", city: a.city ?? "", region: a.region ?? "", postal_code: a.postal_code ?? "", country: a.country };
}

/** An address is sent when it names a country (the API requires one); blank lines are null. */
export function addressBody(a: AddressForm): Schemas["AddressInput"] | null {
  if (Object.values(a).every((v) => v.trim() === "")) return null;
  const n = (s: string) => (s.trim() === "" ? null : s);
  return {
    line1: n(a.line1),
    line2: n(a.line2),
    city: n(a.city),
    region: n(a.region),
    postal_code: n(a.postal_code),
    country: a.country.trim().toUpperCase() as Schemas["CountryCode"],
  };
}

export function AddressFields({ value, onChange, errors }: { value: AddressForm; onChange: (a: AddressForm) => void; errors: Record<string, string> }) {
  const set = (k: keyof AddressForm) => (v: string) => onChange({ ...value, [k]: v });
  const prefixed = Object.fromEntries(Object.entries(errors).filter(([k]) => k.startsWith("address")).map(([k, v]) => [k === "address" ? "address.line1" : k, v]));
  return (
    <fieldset>
      <legend>Address</legend>
      <div class="cols">
        <Input label="Street and number" name="address.line1" value={value.line1} onInput={set("line1")} errors={prefixed} />
        <Input label="Address line 2" name="address.line2" value={value.line2} onInput={set("line2")} errors={prefixed} />
        <Input label="Postal code" name="address.postal_code" value={value.postal_code} onInput={set("postal_code")} errors={prefixed} />
        <Input label="City" name="address.city" value={value.city} onInput={set("city")} errors={prefixed} />
        <Input label="Region" name="address.region" value={value.region} onInput={set("region")} errors={prefixed} />
        <Input label="Country" name="address.country" hint="Two letters, such as DE or US." maxLength={2} value={value.country} onInput={set("country")} errors={prefixed} />
      </div>
    </fieldset>
  );
}
