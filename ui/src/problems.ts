// What the window blocked or could not load, told to the cashier and to the log. A policy
// violation means some part of the page (often the card form) will not work; the cashier must
// see that, never a blank form.
import { api } from "./api";

/** `https://host:port` of a blocked URL (never its path or query, which may hold a client secret). */
export function originOf(url: string): string {
  if (url === "inline" || url === "eval" || url === "") return url || "a resource";
  try {
    return new URL(url).origin;
  } catch {
    return "a resource";
  }
}

export function describeViolation(e: Pick<SecurityPolicyViolationEvent, "blockedURI" | "effectiveDirective">): string {
  return `This window blocked ${originOf(e.blockedURI)} (${e.effectiveDirective}). Parts of the page, such as the card form, may not work.`;
}

/** Logs without awaiting: the cashier's screen never waits on the log. */
export function logProblem(kind: string, detail: string): void {
  api.logProblem(kind, detail).catch(() => {});
}

/** Calls `show` with a plain sentence for each policy violation, and logs it. */
export function watchPolicyViolations(show: (text: string) => void): () => void {
  const onViolation = (e: SecurityPolicyViolationEvent) => {
    show(describeViolation(e));
    logProblem("csp", `${e.effectiveDirective} ${originOf(e.blockedURI)}`);
  };
  document.addEventListener("securitypolicyviolation", onViolation);
  return () => document.removeEventListener("securitypolicyviolation", onViolation);
}
