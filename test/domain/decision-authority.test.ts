/**
 * Who may decide, per level (R8, R11.3, R11.6, issue 14 item 9): every level × role cell of
 * `DECISION_AUTHORITY`, against the table as docs/access.md states it, restated here.
 */
import { mayDecide } from '../../shared/domain/access';
import { LOG_LEVELS, type LogLevel } from '../../shared/escalation/domain/challenge';
import { ROLES, type Role } from '../../shared/domain/golive';

const TABLE: Record<LogLevel, Role[]> = {
  itd: ['itdManager'],
  lgv: ['lgvLiaison', 'goLiveLead'],
  workPractice: ['chiefMedicalOfficer', 'cslChair'],
  forvaltning: ['cslChair', 'cslRepresentative'],
  dsl: ['goLiveLead', 'goLiveCoordinator'],
  coordination: ['goLiveLead', 'goLiveCoordinator'],
  csl: ['cslChair'],
};

it('every level × role cell answers as the table says; refusals name who decides', () => {
  const cells: string[] = [];
  for (const level of LOG_LEVELS)
    for (const role of ROLES) {
      const p = mayDecide(level, new Set([role]));
      cells.push(`${level}/${role}`);
      expect([level, role, p.allowed]).toEqual([level, role, TABLE[level].includes(role)]);
      if (!p.allowed) expect(p.reason.sv).toMatch(/^Det här beslutet fattas av /);
    }
  expect(cells).toHaveLength(LOG_LEVELS.length * ROLES.length);
  expect(mayDecide('workPractice', new Set<Role>(['itdManager']))).toEqual({
    allowed: false,
    reason: {
      sv: 'Det här beslutet fattas av regional chefsläkare eller ordförande i CSL; din roll får inte registrera det.',
      en: 'This decision is made by regional chief medical officer or CSL chair; your role may not record it.',
    },
  });
});

it('the CSL chair records a changed work practice on the chief medical officer’s behalf (R8.3)', () => {
  expect(mayDecide('workPractice', new Set<Role>(['cslChair']))).toEqual({ allowed: true, onBehalfOf: 'chiefMedicalOfficer' });
  expect(mayDecide('workPractice', new Set<Role>(['chiefMedicalOfficer', 'cslChair']))).toEqual({ allowed: true });
  expect(mayDecide('itd', new Set<Role>(['unitReporter']), true)).toEqual({ allowed: true });
});
