/** docs/calendar.md shows the default schedule (R5) as an example: it must be the default. */
import fs from 'node:fs';
import path from 'node:path';
import { Schedules } from '../../shared/domain/golive';

it('docs/calendar.md’s schedule example is the R5 default, and valid input', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../docs/calendar.md'), 'utf8');
  const section = readme.slice(readme.indexOf('# The go-live calendar'));
  const block = /The default \(R5\) in full:\s*```json\n([\s\S]*?)\n```/.exec(section);
  expect(block).not.toBeNull();
  const example: unknown = JSON.parse(block![1]!);
  expect(Schedules.parse(example)).toEqual(Schedules.parse({}));
  expect(example).toEqual(Schedules.parse({}));
});
