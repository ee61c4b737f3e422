import { DEFAULT_AREAS, GoLiveInput } from '../../shared/domain/golive';

const base = { name: 'Våg 1', startDate: '2026-11-27' };

describe('go-live input (R2)', () => {
  it('defaults to Europe/Stockholm, the seven delivery areas (R2.1) and the R3.3 reporting rules', () => {
    const g = GoLiveInput.parse(base);
    expect(g.timeZone).toBe('Europe/Stockholm');
    expect(g.areas.map((a) => a.name)).toEqual(DEFAULT_AREAS.map((a) => a.name));
    expect(g.reporting).toEqual({
      dayStart: '06:00',
      dayEnd: '18:00',
      checkpoints: ['09:00', '12:00', '15:00', '18:00'],
      windowMinutes: 180,
      staleAfterMinutes: 180,
    });
  });

  it('refuses an unknown time zone and a bad date, naming the fields', () => {
    const r = GoLiveInput.safeParse({ ...base, timeZone: 'Europe/Atlantis', startDate: '2026-13-01' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['startDate', 'timeZone']);
  });

  it('refuses duplicate unit ids across förvaltningar and dangling references', () => {
    const r = GoLiveInput.safeParse({
      ...base,
      forvaltningar: [
        { id: 'a', name: 'A', units: [{ id: 'u1', name: 'U1' }] },
        { id: 'b', name: 'B', fvisLeadId: 'nobody', units: [{ id: 'u1', name: 'U1 igen' }] },
      ],
      people: [{ id: 'p', name: 'P', roles: ['unitReporter'], unitIds: ['u9'], areaIds: ['nowhere'] }],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'forvaltningar.1.fvisLeadId',
      'forvaltningar.1.units.0.id',
      'people.0.areaIds.0',
      'people.0.unitIds.0',
    ]);
  });

  it('refuses a role that the routine does not have (R1)', () => {
    const r = GoLiveInput.safeParse({ ...base, people: [{ id: 'p', name: 'P', roles: ['king'] }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path.join('.')).toBe('people.0.roles.0');
  });
});
