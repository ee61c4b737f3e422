import { DispatchRecord } from '../../shared/domain/calendar-actions';
import { AdHocMeeting } from '../../shared/domain/meetings';
import { uniqueId } from '../builders';

/** Builders for the calendar's stored documents; each parses through its domain schema. */

export function makeAdHocMeeting(overrides: Partial<AdHocMeeting> = {}): AdHocMeeting {
  return AdHocMeeting.parse({
    id: uniqueId('dsl-extra'),
    goLiveId: 'gl-test',
    forum: 'DSL',
    start: '2026-11-27T09:40:00.000Z',
    end: '2026-11-27T10:10:00.000Z',
    reason: 'Inloggningen ligger nere',
    participantRoles: ['goLiveLead', 'areaCoordinator'],
    createdAt: '2026-11-27T09:30:00.000Z',
    requestHash: 'hash-1',
    ...overrides,
  });
}

export function makeDispatch(overrides: Partial<DispatchRecord> = {}): DispatchRecord {
  return DispatchRecord.parse({
    goLiveId: 'gl-test',
    actionId: `agenda:${uniqueId('dsl')}`,
    kind: 'agenda',
    dueAt: '2026-11-27T06:50:00.000Z',
    usefulUntil: '2026-11-27T07:30:00.000Z',
    meetingId: 'dsl-2026-11-27T0800',
    state: 'claimed',
    claimedAt: '2026-11-27T06:50:00.000Z',
    claimToken: uniqueId('token'),
    attempts: 1,
    ...overrides,
  });
}
