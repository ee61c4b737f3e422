import type { Texts } from '../../../domain/errors';
import type { NotificationKind } from '../../../ports/notifier.port';

/** Adaptive Card container styles (schema 1.2+), also the accent colour of the e-mail. */
export type CardStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

export interface KindTemplate {
  /** Shown above the subject and in front of it in the e-mail subject line. */
  label: Texts;
  style: CardStyle;
}

/** One entry per kind: the compiler refuses a kind without its template. */
export const KIND_TEMPLATES: Record<NotificationKind, KindTemplate> = {
  unitReportReminder: { label: { sv: 'Påminnelse om statusrapport', en: 'Status report reminder' }, style: 'accent' },
  unitOverdueSummary: { label: { sv: 'Enheter som inte rapporterat', en: 'Care units that have not reported' }, style: 'warning' },
  areaReportReminder: { label: { sv: 'Påminnelse om områdesrapport', en: 'Area report reminder' }, style: 'accent' },
  areaReportOverdue: { label: { sv: 'Områdesrapport saknas', en: 'Area report missing' }, style: 'warning' },
  incidentUpdateReminder: { label: { sv: 'Uppdatera incidenten', en: 'Update the incident' }, style: 'accent' },
  agenda: { label: { sv: 'Dagordning', en: 'Agenda' }, style: 'emphasis' },
  challengeRaised: { label: { sv: 'Ny utmaning', en: 'New challenge' }, style: 'warning' },
  challengeNotTriaged: { label: { sv: 'Utmaning inte prioriterad', en: 'Challenge not prioritised' }, style: 'warning' },
  teamStarted: { label: { sv: 'Tvärprofessionellt team startat', en: 'Cross-functional team started' }, style: 'good' },
  decisionRequested: { label: { sv: 'Beslut behövs', en: 'Decision needed' }, style: 'accent' },
  decisionOverdue: { label: { sv: 'Försenat beslut', en: 'Overdue decision' }, style: 'attention' },
  decisionMade: { label: { sv: 'Beslut fattat', en: 'Decision made' }, style: 'good' },
  challengeResolved: { label: { sv: 'Utmaning avslutad', en: 'Challenge closed' }, style: 'good' },
  incidentOpened: { label: { sv: 'Ny incident', en: 'New incident' }, style: 'attention' },
  incidentRaised: { label: { sv: 'Incident uppgraderad', en: 'Incident raised' }, style: 'attention' },
  incidentClosed: { label: { sv: 'Incident löst', en: 'Incident resolved' }, style: 'good' },
  meetingCalled: { label: { sv: 'Extra möte', en: 'Extra meeting' }, style: 'accent' },
  digest: { label: { sv: 'Sammanfattning inför DSL', en: 'Summary before DSL' }, style: 'emphasis' },
};

/** E-mail accent colours matching the card styles Teams uses. */
export const STYLE_COLOURS: Record<CardStyle, string> = {
  default: '#242424',
  emphasis: '#424242',
  good: '#0b6a0b',
  attention: '#c50f1f',
  warning: '#8a5300',
  accent: '#0f6cbd',
};
