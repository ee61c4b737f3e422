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
  unitReportReminder: { label: { sv: 'Påminnelse: statusrapport', en: 'Reminder: status report' }, style: 'accent' },
  unitOverdueSummary: { label: { sv: 'Enheter som inte rapporterat', en: 'Care units that have not reported' }, style: 'warning' },
  areaReportReminder: { label: { sv: 'Påminnelse: områdesrapport inför DSL', en: 'Reminder: area report before DSL' }, style: 'accent' },
  areaReportOverdue: { label: { sv: 'Områdesrapport saknas', en: 'Area report missing' }, style: 'warning' },
  incidentUpdateReminder: { label: { sv: 'Påminnelse: incidentuppdatering', en: 'Reminder: incident update' }, style: 'accent' },
  agenda: { label: { sv: 'Dagordning', en: 'Agenda' }, style: 'emphasis' },
  challengeRaised: { label: { sv: 'Ny utmaning', en: 'New challenge' }, style: 'warning' },
  challengeNotTriaged: { label: { sv: 'Utmaning inte prioriterad', en: 'Challenge not prioritised' }, style: 'warning' },
  teamStarted: { label: { sv: 'Tvärfunktionellt team startat', en: 'Cross-functional team started' }, style: 'good' },
  decisionRequested: { label: { sv: 'Beslut begärs', en: 'Decision requested' }, style: 'accent' },
  decisionOverdue: { label: { sv: 'Försenat beslut', en: 'Overdue decision' }, style: 'attention' },
  decisionMade: { label: { sv: 'Beslut fattat', en: 'Decision made' }, style: 'good' },
  challengeResolved: { label: { sv: 'Utmaning löst', en: 'Challenge resolved' }, style: 'good' },
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
