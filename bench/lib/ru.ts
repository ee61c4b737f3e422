/*
 * Request-unit estimates from document sizes, with Microsoft's published figures:
 * - point reads and writes by item size: "Understand request unit consumption", table
 *   "Document size / Read operation / Write operation" (1 KB: 1.00 / 4.95 RU … 512 KB:
 *   40.95 / 184.57 RU), https://learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption
 *   — the same 1 KB = 1 RU, 100 KB = 10 RU for point reads as
 *   https://learn.microsoft.com/azure/cosmos-db/optimize-cost-reads-writes ;
 * - queries: a single-partition query costs a base of about 2.8 RU
 *   (https://learn.microsoft.com/training/modules/measure-index-azure-cosmos-db-sql-api/4-measure-query-cost
 *   shows pages of 2.82–2.84 RU) plus the items it loads and returns, which we price like
 *   reading that many bytes (optimize-cost-reads-writes: "the number of items loaded/returned").
 * Writes assume the default indexing policy (every property indexed); a replace is priced as a
 * write of the new version. Serverless bills these RU at the same rates.
 */

type Curve = readonly (readonly [kb: number, ru: number])[];

export const READ_RU: Curve = [
  [1, 1.0],
  [2, 1.04],
  [4, 1.14],
  [8, 1.33],
  [16, 1.67],
  [32, 2.19],
  [64, 4.76],
  [128, 9.95],
  [256, 20.28],
  [512, 40.95],
  [1024, 145.9],
  [2048, 291.8],
];
export const WRITE_RU: Curve = [
  [1, 4.95],
  [2, 6.29],
  [4, 6.67],
  [8, 7.04],
  [16, 9.52],
  [32, 11.23],
  [64, 22.67],
  [128, 48.19],
  [256, 98.29],
  [512, 184.57],
  [1024, 625],
  [2048, 1250],
];
export const QUERY_BASE_RU = 2.8;

/** Linear between the published points; the 1 KB figure below 1 KB, proportional beyond 2 MB. */
export function interpolate(curve: Curve, kb: number): number {
  const first = curve[0]!;
  if (kb <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [k1, r1] = curve[i]!;
    const [k0, r0] = curve[i - 1]!;
    if (kb <= k1) return r0 + ((r1 - r0) * (kb - k0)) / (k1 - k0);
  }
  const [kl, rl] = curve[curve.length - 1]!;
  return (rl * kb) / kl;
}

export const readRu = (bytes: number): number => interpolate(READ_RU, bytes / 1024);
export const writeRu = (bytes: number): number => interpolate(WRITE_RU, bytes / 1024);
export const queryRu = (bytesReturned: number): number => QUERY_BASE_RU + (bytesReturned > 0 ? readRu(bytesReturned) : 0);
