import type { Ports } from '../../ports/app.port';
import type { ChallengeStore, GoLiveStore, NoteStore } from '../../ports/repository.port';
import type { Challenge, DecisionRecord, TimelineEntry } from '../../escalation/domain/challenge';
import { DECISION_LEVEL_LABELS } from '../../escalation/domain/challenge';
import type { Texts } from '../../domain/errors';
import { decisionLog } from '../../escalation/app/challenges';
import type { CsvDelimiter } from './csv';
import { requireGoLive } from '../golives';
import type { ExportColumn, ExportFile, ExportFormat } from './export';
import { exportFile, sheet } from './export';
import { COLOUR_WORDS } from './report-exports';

/*
 * The escalation as files (R8.5, R7): the decision log, and the challenges with their
 * timelines — for the coordinators who keep them in Excel today.
 */

const t = (sv: string, en: string): Texts => ({ sv, en });

export function decisionColumns(lang: 'sv' | 'en'): ExportColumn<DecisionRecord>[] {
  return [
    { header: t('Beslutat', 'Decided'), type: 'dateTime', value: (d) => d.decidedAt },
    { header: t('Nivå', 'Level'), value: (d) => DECISION_LEVEL_LABELS[d.level][lang], width: 30 },
    { header: t('Utmaning', 'Challenge'), value: (d) => d.challengeTitle, width: 40 },
    { header: t('Fråga', 'Question'), value: (d) => d.question, width: 50 },
    { header: t('Beslut', 'Decision'), value: (d) => d.decision, width: 50 },
    { header: t('Varför', 'Why'), value: (d) => d.rationale, width: 50 },
    { header: t('Beslutat av', 'Decided by'), value: (d) => d.decidedBy, width: 24 },
    { header: t('Registrerat av', 'Recorded by'), value: (d) => d.recordedBy?.name ?? d.recordedBy?.id },
    { header: t('Begärt', 'Requested'), type: 'dateTime', value: (d) => d.requestedAt },
    { header: t('Senast', 'Deadline'), type: 'dateTime', value: (d) => d.deadline },
    { header: t('Minuter', 'Minutes'), type: 'number', value: (d) => d.minutesTaken },
    { header: t('Minuter mot tidsgräns', 'Minutes against deadline'), type: 'number', value: (d) => d.minutesAgainstDeadline },
    { header: t('Försenat', 'Late'), type: 'boolean', value: (d) => d.late },
    { header: t('Utmaning-id', 'Challenge id'), value: (d) => d.challengeId },
  ];
}

interface TimelineRow {
  challenge: Challenge;
  entry: TimelineEntry;
}

const STATE_WORDS: Record<Challenge['state'], Texts> = {
  raised: t('lyft', 'raised'),
  triaged: t('prioriterad', 'triaged'),
  resolved: t('löst', 'resolved'),
  withdrawn: t('återkallad', 'withdrawn'),
};

export function challengeColumns(lang: 'sv' | 'en'): ExportColumn<Challenge>[] {
  return [
    { header: t('Lyft', 'Raised'), type: 'dateTime', value: (c) => c.raisedAt },
    { header: t('Färg', 'Colour'), value: (c) => COLOUR_WORDS[c.colour][lang] },
    { header: t('Utmaning', 'Challenge'), value: (c) => c.title, width: 40 },
    { header: t('Område', 'Area'), value: (c) => c.areaId },
    { header: t('Läge', 'State'), value: (c) => STATE_WORDS[c.state][lang] },
    { header: t('Behov från andra', 'Needed from others'), value: (c) => c.needFromOthers, width: 50 },
    { header: t('Väntande beslut', 'Pending decision'), value: (c) => c.pendingDecision?.question, width: 40 },
    { header: t('Senast', 'Deadline'), type: 'dateTime', value: (c) => c.pendingDecision?.deadline },
    { header: t('SD+', 'SD+'), value: (c) => c.sdReferences.join(', ') },
    { header: t('Senast ändrad', 'Last change'), type: 'dateTime', value: (c) => c.lastChangeAt },
    { header: t('Id', 'Id'), value: (c) => c.id },
  ];
}

const timelineColumns: ExportColumn<TimelineRow>[] = [
  { header: t('Tid', 'Time'), type: 'dateTime', value: (r) => r.entry.at },
  { header: t('Utmaning', 'Challenge'), value: (r) => r.challenge.title, width: 40 },
  { header: t('Händelse', 'Event'), value: (r) => r.entry.type },
  { header: t('Av', 'By'), value: (r) => r.entry.by?.name ?? r.entry.by?.id },
  { header: t('Detaljer', 'Details'), value: (r) => JSON.stringify(r.entry.data), width: 60 },
  { header: t('Utmaning-id', 'Challenge id'), value: (r) => r.challenge.id },
];

export interface EscalationExportCommand {
  goLiveId: string;
  format: ExportFormat;
  lang: 'sv' | 'en';
  /** CSV: `;` (default) or `,` (`?delimiter=comma`). */
  delimiter?: CsvDelimiter;
}

/** The decision log (R8.5) as XLSX or CSV. */
export async function exportDecisions(
  s: Ports<GoLiveStore & ChallengeStore & NoteStore>,
  cmd: EscalationExportCommand,
): Promise<ExportFile> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const rows = await decisionLog(s, goLive.id);
  return exportFile(
    cmd.format,
    `${goLive.id}-${cmd.lang === 'sv' ? 'beslutslogg' : 'decision-log'}`,
    [sheet({ name: t('Beslutslogg', 'Decision log'), columns: decisionColumns(cmd.lang), rows })],
    {
      lang: cmd.lang,
      timeZone: goLive.timeZone,
      ...(cmd.delimiter ? { delimiter: cmd.delimiter } : {}),
    },
  );
}

/** The challenges with their timelines (XLSX: two sheets; CSV: the challenges). */
export async function exportChallenges(s: Ports<GoLiveStore & ChallengeStore>, cmd: EscalationExportCommand): Promise<ExportFile> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const challenges = (await s.repo.listChallenges(goLive.id)).sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  const timeline = challenges.flatMap((challenge) => challenge.timeline.map((entry) => ({ challenge, entry })));
  return exportFile(
    cmd.format,
    `${goLive.id}-${cmd.lang === 'sv' ? 'utmaningar' : 'challenges'}`,
    [
      sheet({ name: t('Utmaningar', 'Challenges'), columns: challengeColumns(cmd.lang), rows: challenges }),
      sheet({ name: t('Tidslinje', 'Timeline'), columns: timelineColumns, rows: timeline }),
    ],
    { lang: cmd.lang, timeZone: goLive.timeZone, ...(cmd.delimiter ? { delimiter: cmd.delimiter } : {}) },
  );
}
