// Legends in the order the series are drawn. Recharts sorts legend items by their label
// unless told otherwise (its `itemSorter` defaults to 'value'), so a breakdown drawn
// booked ▸ invoiced ▸ collected listed "Booked, Collected, Invoiced", and a stack's legend
// did not follow the stack.

/** A Legend `itemSorter` that keeps `dataKeys`' order (unknown keys last). */
export function inSeriesOrder(dataKeys: readonly string[]): (item: { dataKey?: unknown }) => number {
  const rank = new Map(dataKeys.map((k, i) => [k, i]));
  return (item) => rank.get(String(item.dataKey)) ?? dataKeys.length;
}
