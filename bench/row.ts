/** One figure of the benchmark table: this package's value, the baseline's, their ratio and the goal. */
export interface Row {
  readonly figure: string;
  readonly ours: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal: string;
  readonly met: boolean | undefined;
}
