import type { Texts } from './errors';

/*
 * Finding the columns of an uploaded list by their headers (R3.4): people name them
 * "Datum", "Datum:", "Färg/Status", "Enhet (id eller namn)", "FÖRKLARING" or in English.
 * Headers are compared after normalising case, accents, punctuation and notes in brackets.
 */

/** One column a list may have: the words that name it, best first. */
export interface ColumnSpec<F extends string = string> {
  field: F;
  /** How the column is named in messages and templates. */
  label: Texts;
  /** Header words that name it (normalised when compared). */
  names: readonly string[];
}

/**
 * "Enhet (id eller namn)" → "enhet", "Färg/Status:" → "farg/status", "E-post" → "e-post".
 * Lower case, å/ä → a and ö → o (and other accents dropped), bracketed notes and a trailing
 * `:`/`*` removed, whitespace collapsed.
 */
export function normaliseHeader(header: string): string {
  return header
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .replace(/[\s:*.]+$/g, '')
    .replace(/^[\s:*.]+/g, '')
    .trim();
}

export interface ColumnMatch<F extends string> {
  /** Field → 0-based column index of the header that names it. */
  columns: Partial<Record<F, number>>;
  /** Headers that name a field already taken by an earlier column (first one wins). */
  duplicates: { field: F; index: number }[];
}

/** Matches headers to specs; the leftmost column wins when two name the same field. */
export function matchColumns<F extends string>(headers: readonly string[], specs: readonly ColumnSpec<F>[]): ColumnMatch<F> {
  const lookup = new Map<string, F>();
  for (const spec of specs)
    for (const name of spec.names) if (!lookup.has(normaliseHeader(name))) lookup.set(normaliseHeader(name), spec.field);
  const columns: Partial<Record<F, number>> = {};
  const duplicates: { field: F; index: number }[] = [];
  headers.forEach((h, index) => {
    const field = lookup.get(normaliseHeader(h));
    if (field === undefined) return;
    if (columns[field] === undefined) columns[field] = index;
    else duplicates.push({ field, index });
  });
  return { columns, duplicates };
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** The columns of a care-unit status list (R3.1, R3.4). */
export type UnitReportField =
  'id' | 'dateTime' | 'date' | 'time' | 'unit' | 'forvaltning' | 'colour' | 'explanation' | 'reporter' | 'reporterId';

export const UNIT_REPORT_COLUMNS: readonly ColumnSpec<UnitReportField>[] = [
  { field: 'id', label: { sv: 'Id', en: 'Id' }, names: ['Id', 'Rapport-id', 'Rapportid', 'Report id'] },
  {
    field: 'dateTime',
    label: { sv: 'Tidpunkt', en: 'Reported at' },
    names: [
      'Tidpunkt',
      'Datum och tid',
      'Datum/tid',
      'Datum tid',
      'Rapporterad',
      'Rapporterad tid',
      'Rapporttidpunkt',
      'Reported at',
      'ReportedAt',
      'Timestamp',
      'Date and time',
      'Date/time',
      'Datetime',
    ],
  },
  { field: 'date', label: { sv: 'Datum', en: 'Date' }, names: ['Datum', 'Dag', 'Rapportdatum', 'Date', 'Day'] },
  { field: 'time', label: { sv: 'Tid', en: 'Time' }, names: ['Tid', 'Klockslag', 'Kl', 'Klockan', 'Rapporttid', 'Time'] },
  {
    field: 'unit',
    label: { sv: 'Enhet', en: 'Unit' },
    names: [
      'Enhet',
      'Verksamhet',
      'Vårdenhet',
      'Enhets-id',
      'Enhetsid',
      'Enhet/verksamhet',
      'Verksamhet/enhet',
      'Unit',
      'Care unit',
      'Unit id',
      'UnitId',
    ],
  },
  {
    field: 'forvaltning',
    label: { sv: 'Förvaltning', en: 'Administration' },
    names: ['Förvaltning', 'Förvaltnings-id', 'Administration', 'Administration id'],
  },
  {
    field: 'colour',
    label: { sv: 'Färg', en: 'Colour' },
    names: ['Färg', 'Status', 'Färg/status', 'Statusfärg', 'Colour', 'Color', 'Colour/status'],
  },
  {
    field: 'explanation',
    label: { sv: 'Förklaring', en: 'Explanation' },
    names: [
      'Förklaring',
      'Kommentar',
      'Orsak',
      'Beskrivning',
      'Motivering',
      'Förklaring/kommentar',
      'Explanation',
      'Comment',
      'Reason',
      'Description',
    ],
  },
  { field: 'reporter', label: { sv: 'Rapportör', en: 'Reporter' }, names: ['Rapportör', 'Rapporterad av', 'Reporter', 'Reported by'] },
  { field: 'reporterId', label: { sv: 'Rapportör-id', en: 'Reporter id' }, names: ['Rapportör-id', 'Rapportörs-id', 'Reporter id'] },
];

/** The columns of an organisation list: förvaltningar with their units (R2). */
export type UnitListField = 'forvaltningId' | 'forvaltning' | 'unitId' | 'unit';

export const UNIT_LIST_COLUMNS: readonly ColumnSpec<UnitListField>[] = [
  {
    field: 'forvaltningId',
    label: { sv: 'Förvaltnings-id', en: 'Administration id' },
    names: ['Förvaltnings-id', 'Förvaltningsid', 'Administration id'],
  },
  {
    field: 'forvaltning',
    label: { sv: 'Förvaltning', en: 'Administration' },
    names: ['Förvaltning', 'Förvaltningens namn', 'Administration'],
  },
  { field: 'unitId', label: { sv: 'Enhets-id', en: 'Unit id' }, names: ['Enhets-id', 'Enhetsid', 'Unit id', 'UnitId'] },
  {
    field: 'unit',
    label: { sv: 'Enhet', en: 'Unit' },
    names: ['Enhet', 'Enhetens namn', 'Verksamhet', 'Vårdenhet', 'Unit', 'Care unit', 'Unit name'],
  },
];

/** The columns of an organisation list: people with roles (R1). */
export type PeopleListField = 'personId' | 'name' | 'email' | 'entraObjectId' | 'roles' | 'units' | 'areas' | 'forvaltning' | 'fvisLead';

export const PEOPLE_LIST_COLUMNS: readonly ColumnSpec<PeopleListField>[] = [
  { field: 'personId', label: { sv: 'Person-id', en: 'Person id' }, names: ['Person-id', 'Personid', 'Id', 'Person id'] },
  { field: 'name', label: { sv: 'Namn', en: 'Name' }, names: ['Namn', 'Person', 'Name', 'Full name'] },
  {
    field: 'email',
    label: { sv: 'E-post', en: 'E-mail' },
    names: ['E-post', 'Epost', 'E-postadress', 'Mejl', 'Mail', 'E-mail', 'Email', 'Email address'],
  },
  {
    field: 'entraObjectId',
    label: { sv: 'Entra-objekt-id', en: 'Entra object id' },
    names: ['Entra-objekt-id', 'Entra objekt-id', 'Objekt-id', 'Objektid', 'Entra object id', 'Object id', 'ObjectId', 'oid'],
  },
  { field: 'roles', label: { sv: 'Roller', en: 'Roles' }, names: ['Roller', 'Roll', 'Roles', 'Role'] },
  { field: 'units', label: { sv: 'Enheter', en: 'Units' }, names: ['Enheter', 'Enhet', 'Verksamheter', 'Units', 'Unit'] },
  {
    field: 'areas',
    label: { sv: 'Områden', en: 'Areas' },
    names: ['Områden', 'Område', 'Leveransområden', 'Leveransområde', 'Areas', 'Area', 'Delivery areas', 'Delivery area'],
  },
  { field: 'forvaltning', label: { sv: 'Förvaltning', en: 'Administration' }, names: ['Förvaltning', 'Administration'] },
  {
    field: 'fvisLead',
    label: { sv: 'FVIS-projektledare', en: 'FVIS project lead' },
    names: ['FVIS-projektledare', 'FVIS-ledare', 'FVIS', 'FVIS project lead', 'FVIS lead'],
  },
];
