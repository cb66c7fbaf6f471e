// Models whose price Phoenix 20.26.1 and calltree's catalog disagree on, in Phoenix's manifest order. Each one is
// explained in docs/pricing.md ("Phoenix's prices and ours"). A change in either catalog changes this list.
export const KNOWN_DISAGREEMENTS: string[] = [];
