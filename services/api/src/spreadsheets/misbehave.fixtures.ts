/**
 * A spreadsheet worker entry for the runner's tests: the upload's one entry says how to misbehave once
 * the inspection has passed — `loop` forever, eat memory (`oom`), `throw`, answer and
 * then crash while idle (`late-crash`), or just answer (anything else, echoed).
 */
import { serveSpreadsheetJob } from './serve';
import { inflateEntry, readCentralDirectory } from './zip';

serveSpreadsheetJob(() => async (bytes, limits) => {
  const [first] = readCentralDirectory(bytes, limits);
  const mode = (await inflateEntry(bytes, first!)).toString('utf8');
  if (mode === 'loop') {
    let spins = 0;
    while (spins >= 0) spins++;
  }
  if (mode === 'oom') {
    const kept: number[][] = [];
    while (kept.length >= 0) kept.push(Array.from({ length: 100_000 }, (_, i) => i * Math.random()));
  }
  if (mode === 'throw') throw new Error('boom in /work/secret/parser.ts:12:3');
  if (mode === 'late-crash') {
    setTimeout(() => {
      throw new Error('late failure, after the answer');
    }, 50);
  }
  return { echo: mode };
});
