import { useState } from "preact/hooks";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useCursors, useResource } from "../ui/hooks";
import { Listing, Pager } from "../ui/kit";

export default function Clients() {
  const [q, setQ] = useState("");
  const [archived, setArchived] = useState(false);
  const cursors = useCursors();
  const cursor = cursors.cursor;
  const page = useResource(
    () =>
      unwrap(
        api.GET("/clients", {
          params: { query: { q: q || undefined, archived: archived ? "true" : undefined, cursor, limit: 20 } },
        }),
      ),
    [q, archived, cursor],
  );
  return (
    <section aria-labelledby="clients-title">
      <div class="title-row">
        <h1 id="clients-title">Clients</h1>
        <a class="button" href="/app/clients/new">
          New client
        </a>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            name="q"
            value={q}
            placeholder="Name, email or company"
            onInput={(e) => {
              setQ(e.currentTarget.value);
              cursors.first();
            }}
          />
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={archived}
            onChange={(e) => {
              setArchived(e.currentTarget.checked);
              cursors.first();
            }}
          />
          Archived
        </label>
      </form>
      <Listing page={page} empty={q ? "No client matches." : "No clients yet."}>
        {(items) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Company</th>
                <th scope="col" class="wide">Email</th>
                <th scope="col" class="wide">Currency</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/app/clients/${c.id}`}>{c.name}</a>
                  </td>
                  <td>{c.company}</td>
                  <td class="wide">{c.email}</td>
                  <td class="wide">{c.default_currency}</td>
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
