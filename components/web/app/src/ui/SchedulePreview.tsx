import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";

type Request = Schemas["RecurringSchedulePreview"];

/**
 * The next dates of the schedule being written, before it is saved: the schedule sent to
 * `POST /recurring-invoices/preview` a moment after the last change, so the dates are the
 * ones the saved template will show (short months, the time zone, the end). A schedule
 * that does not parse yet shows why instead.
 */
export function SchedulePreview({ request }: { request: Request | null }) {
  const [dates, setDates] = useState<string[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const key = JSON.stringify(request);
  useEffect(() => {
    if (!request) {
      setDates(null);
      setProblem("The next dates appear once the first date is chosen.");
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void api.POST("/recurring-invoices/preview", { body: request }).then(({ data, error }) => {
        if (!live) return;
        setDates(data?.upcoming ?? null);
        setProblem(error ? (error.errors?.[0] ? `${error.errors[0].field}: ${error.errors[0].message}` : error.title) : null);
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
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
