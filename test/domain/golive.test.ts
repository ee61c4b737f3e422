import { DEFAULT_AREAS, GoLiveInput, linkFvisLeads } from '../../shared/domain/golive';

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

describe('the FVIS project lead, a role of its own per förvaltning (R2, R11.8)', () => {
  const org = (people: unknown[], fvisLeadId?: string) => ({
    ...base,
    forvaltningar: [
      { id: 'a', name: 'A', ...(fvisLeadId ? { fvisLeadId } : {}), units: [] },
      { id: 'b', name: 'B', units: [] },
    ],
    people,
  });

  it('refuses the role without a förvaltning, and two leads for one förvaltning', () => {
    const none = GoLiveInput.safeParse(org([{ id: 'f', name: 'F', roles: ['fvisLead'] }]));
    expect(none.success).toBe(false);
    expect(none.error!.issues.map((i) => i.path.join('.'))).toEqual(['people.0.forvaltningId']);
    const two = GoLiveInput.safeParse(
      org([
        { id: 'f', name: 'F', roles: ['fvisLead'], forvaltningId: 'a' },
        { id: 'g', name: 'G', roles: ['fvisLead'], forvaltningId: 'a' },
      ]),
    );
    expect(two.error!.issues.map((i) => i.path.join('.'))).toEqual(['people.1.roles']);
    const other = GoLiveInput.safeParse(
      org(
        [
          { id: 'f', name: 'F', roles: ['fvisLead'], forvaltningId: 'a' },
          { id: 'g', name: 'G', roles: ['cslRepresentative'], forvaltningId: 'b' },
        ],
        'g',
      ),
    );
    expect(other.error!.issues.map((i) => i.path.join('.'))).toEqual(['forvaltningar.0.fvisLeadId']);
  });

  it('links both ways: the person a förvaltning names holds the role, and the role names the lead', () => {
    const named = linkFvisLeads(GoLiveInput.parse(org([{ id: 'f', name: 'F', roles: ['cslRepresentative'] }], 'f')));
    expect(named.people[0]).toMatchObject({ roles: ['cslRepresentative', 'fvisLead'], forvaltningId: 'a' });
    const byRole = linkFvisLeads(GoLiveInput.parse(org([{ id: 'g', name: 'G', roles: ['fvisLead'], forvaltningId: 'b' }])));
    expect(byRole.forvaltningar.map((f) => f.fvisLeadId)).toEqual([undefined, 'g']);
    expect(linkFvisLeads(byRole)).toEqual(byRole);
  });
});
