import { api, type Schemas } from "../api/client";
import { useLiveAnswer } from "./hooks";

type Request = Schemas["RecurringSchedulePreview"];

/**
 * The next dates of the schedule being written, before it is saved: the schedule sent to
 * `POST /recurring-invoices/preview` a moment after the last change, so the dates are the
 * ones the saved template will show (short months, the time zone, the end). A schedule
 * that does not parse yet shows why instead.
 */
export function SchedulePreview({ request }: { request: Request | null }) {
  const { answer, problem } = useLiveAnswer(
    request,
    (body: Request) => api.POST("/recurring-invoices/preview", { body }),
    "The next dates appear once the first date is chosen.",
  );
  const dates = answer?.upcoming ?? null;
  return (
    <aside aria-label="Next dates" aria-live="polite">
      <h2>Next dates</h2>
      {dates ? (
        dates.length ? (
          <ol>
            {dates.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ol>
        ) : (
          <p class="hint">No date left: the schedule ends before today.</p>
        )
      ) : (
        <p class="hint">{problem ?? "…"}</p>
      )}
    </aside>
  );
}
