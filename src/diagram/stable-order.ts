// Keeps the picture still across refreshes. elk lays nodes out in model order (considerModelOrder), so the
// order the nodes are handed to elk decides where they go. Elements seen before keep their earlier order;
// new ones are appended, so adding a namespace never reshuffles the ones already drawn.

/** The order to remember: the previous order, then ids seen for the first time, in their natural order. */
export function extendOrder(previous: readonly string[], current: readonly string[]): string[] {
  const known = new Set(previous);
  return [...previous, ...current.filter((id) => !known.has(id))];
}

/** Sorts items by a remembered order; items it does not know keep their natural order, after the known ones. */
export function sortByOrder<T>(items: readonly T[], idOf: (item: T) => string, order: readonly string[] | undefined): T[] {
  if (!order?.length) return [...items];
  const rank = new Map<string, number>();
  order.forEach((id, index) => { if (!rank.has(id)) rank.set(id, index); });
  return items
    .map((item, index) => ({ item, index, rank: rank.get(idOf(item)) }))
    .sort((a, b) => {
      if (a.rank !== undefined && b.rank !== undefined) return a.rank - b.rank;
      if (a.rank !== undefined) return -1;
      if (b.rank !== undefined) return 1;
      return a.index - b.index;
    })
    .map((entry) => entry.item);
}

/** Old ids that no longer exist are dropped once the list grows past a bound, so the state stays small. */
export function pruneOrder(order: readonly string[], alive: ReadonlySet<string>, keep = 5000): string[] {
  if (order.length <= keep) return [...order];
  return order.filter((id) => alive.has(id));
}
