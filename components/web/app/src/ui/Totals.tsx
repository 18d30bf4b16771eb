import type { Schemas } from "../api/client";
import { formatMoney } from "../api/money";

/** The figures a totals table shows: an invoice's, or the server's sums of an editor's lines. */
type Figures = Pick<Schemas["Invoice"], "subtotal" | "discount_amount" | "taxes" | "total"> & {
  currency: string | null;
  discount?: Schemas["Invoice"]["discount"];
  amount_paid?: number;
  amount_credited?: number;
  balance_due?: number;
};

/** The totals exactly as the server computed them: the screen never does the sums. */
export function Totals({ invoice: i, label = "Totals" }: { invoice: Figures; label?: string }) {
  const m = (n: number) => formatMoney(n, i.currency);
  return (
    <table class="totals" aria-label={label}>
      <tbody>
        <tr>
          <th scope="row">Subtotal</th>
          <td class="num">{m(i.subtotal)}</td>
        </tr>
        {i.discount_amount > 0 && (
          <tr>
            <th scope="row">Discount{i.discount && "percent" in i.discount ? ` (${i.discount.percent} %)` : ""}</th>
            <td class="num">−{m(i.discount_amount)}</td>
          </tr>
        )}
        {i.taxes.map((t) => (
          <tr key={t.rate}>
            <th scope="row">
              Tax {t.rate} % on {m(t.taxable)}
            </th>
            <td class="num">{m(t.tax)}</td>
          </tr>
        ))}
        <tr class="total">
          <th scope="row">Total</th>
          <td class="num">{m(i.total)}</td>
        </tr>
        {(i.amount_credited ?? 0) > 0 && (
          <tr>
            <th scope="row">Credited</th>
            <td class="num">−{m(i.amount_credited ?? 0)}</td>
          </tr>
        )}
        {(i.amount_paid ?? 0) > 0 && (
          <tr>
            <th scope="row">Paid</th>
            <td class="num">−{m(i.amount_paid ?? 0)}</td>
          </tr>
        )}
        {i.balance_due !== undefined && (
          <tr class="total">
            <th scope="row">Balance due</th>
            <td class="num" data-testid="balance">
              {m(i.balance_due)}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
