// RFC 9457 problems as the screens show them: field errors next to their fields, the
// rest as one sentence a person can act on.
// From the generated contract, not from ./client, which imports this module.
import type { components } from "./schema";

export type Problem = components["schemas"]["Problem"];

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly retryAfter: string | null = null,
  ) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  /** `field path → message`, for the inputs that caused a 422. */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] ??= e.message;
    return out;
  }

  /** What to tell the person. */
  explain(): string {
    switch (this.problem.status) {
      case 412:
        return "This was changed elsewhere (another tab or device). Reload to see the latest version, then make your change again.";
      case 409:
        return `${this.problem.detail ?? this.problem.title} It may have changed elsewhere — reload to see its current state.`;
      case 404:
        return "Not found. It does not exist, or it is not yours.";
      case 422:
        return this.problem.errors?.length ? "Please correct the fields marked below." : (this.problem.detail ?? this.problem.title);
      case 503:
        return `The service is briefly unavailable; try again${this.retryAfter ? ` in ${this.retryAfter} seconds` : " shortly"}. Nothing was saved.`;
      default:
        return this.problem.detail ?? this.problem.title;
    }
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer; an [`ApiError`] for any other. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch {
    throw new ApiError({ type: "/problems/network", title: "Network error", status: 0, detail: "The server cannot be reached. Check your connection and try again." });
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  const problem =
    error && typeof error === "object" && "status" in error
      ? (error as Problem)
      : { type: "/problems/unknown", title: response.statusText || "Request failed", status: response.status };
  throw new ApiError(problem, response.headers.get("Retry-After"));
}

/** The `ETag` to send back as `If-Match`. */
export const ifMatch = (version: number) => ({ "If-Match": `"${version}"` });

/**
 * Refuses a form before it is sent when the screen found fields it cannot send (an
 * amount that does not parse, a client not chosen): shown exactly as the API's own 422.
 */
export function refuseFields(errors: Record<string, string>): void {
  const named = Object.entries(errors);
  if (!named.length) return;
  throw new ApiError({ type: "/problems/validation", title: "Invalid input", status: 422, errors: named.map(([field, message]) => ({ field, message })) });
}

/** [`refuseFields`] for one field, where the screen cannot go on without it. */
export function refuseField(field: string, message: string): never {
  refuseFields({ [field]: message });
  throw new Error("unreachable");
}
