// The typed API client: every path, body and answer comes from docs/openapi.yaml
// (`npm run api-types`), so a change to the contract that breaks a screen breaks the build.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { unwrap } from "./problem";
import { accessToken, renew } from "./session";

export type Schemas = components["schemas"];

/** Adds the bearer token; on a 401, renews once through the refresh cookie and retries. */
export async function authorised(request: Request): Promise<Response> {
  const send = (r: Request) => {
    const token = accessToken();
    if (token) r.headers.set("Authorization", `Bearer ${token}`);
    return fetch(r);
  };
  const retry = request.clone();
  const first = await send(request);
  if (first.status !== 401 || !(await renew())) return first;
  return send(retry);
}

export const api = createClient<paths>({ baseUrl: location.origin, fetch: authorised });

/**
 * `GET /invoices/{id}` as JSON. The operation also answers PDF and XML (by `Accept`), so
 * its generated type is a union; this call asks for JSON and says so once, here.
 */
export async function getInvoice(id: string): Promise<Schemas["Invoice"]> {
  const answer = await unwrap(api.GET("/invoices/{id}", { params: { path: { id } }, headers: { Accept: "application/json" } }));
  return answer as Schemas["Invoice"];
}
