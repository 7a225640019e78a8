// Points in a sale the app benchmark (tests/bench/app.mjs) reads through WebDriver, so its
// timings come from the page's own clock rather than from polling. A mark is a few bytes on
// the page's performance timeline; the benchmark clears them between sales.
export type MarkName = "order-ready" | "charge" | "element-ready" | "pay" | "receipt";

export function mark(name: MarkName): void {
  performance.mark(`paydesk:${name}`);
}
