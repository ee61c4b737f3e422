/**
 * The document types both stores keep (SQLite's `docs` table, the Cosmos container); a
 * document's id is `type:key` in either.
 */
export type DocType =
  | 'golive'
  | 'unitReport'
  | 'unitStatus'
  | 'areaReport'
  | 'areaStatus'
  | 'incident'
  | 'challenge'
  | 'marker'
  | 'note'
  | 'meeting'
  | 'tickCursor'
  | 'dispatch';
