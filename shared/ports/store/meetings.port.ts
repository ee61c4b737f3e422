import type { AdHocMeeting } from '../../domain/meetings';
import type { CreateResult } from './common';

/** Ad-hoc meetings of the go-live calendar (R5.1); the regular ones follow from the go-live's schedules. */
export interface MeetingStore {
  /** Stores an ad-hoc meeting (R5.1) if its id is new; a replay returns the stored one. */
  createMeeting(meeting: AdHocMeeting): Promise<CreateResult<AdHocMeeting>>;
  getMeeting(goLiveId: string, meetingId: string): Promise<AdHocMeeting | undefined>;
  /** Ad-hoc meetings starting in [from, to) (ISO instants), earliest first, equal starts by id. */
  listMeetings(goLiveId: string, range: { from: string; to: string }): Promise<AdHocMeeting[]>;
}
