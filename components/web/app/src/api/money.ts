// Money is integer minor units with a currency, end to end: amounts typed by a person
// are parsed as decimal text, never through floating point.

const digitsCache = new Map<string, number>();

/** The currency's minor-unit digits (2 for EUR, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

export function formatMoney(minor: number, currency: string | null | undefined): string {
  const code = currency ?? "EUR";
  const digits = minorDigits(code);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const whole = Math.trunc(abs / 10 ** digits);
  const fraction = (abs % 10 ** digits).toString().padStart(digits, "0");
  const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(whole);
  const decimal = (1.5).toLocaleString().charAt(1);
  return `${sign}${number}${digits ? decimal + fraction : ""} ${code}`;
}

/** "1,234.5" in EUR is 123450; `null` for anything that is not an amount in that currency. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const cleaned = text.trim().replace(/[\s_']/g, "").replace(/,(?=\d{3}(\D|$))/g, "");
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(cleaned);
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return null;
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units back into the text a person would type. */
export function minorToInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (!digits) return String(minor);
  const s = String(minor).padStart(digits + 1, "0");
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
