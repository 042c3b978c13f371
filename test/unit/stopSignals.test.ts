import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, FORCED_EXIT_CODE, handleStopSignals, type StopSignal } from '../../cli/stopSignals';

function harness() {
  const source = new EventEmitter();
  const said: string[] = [];
  const exits: number[] = [];
  const received: StopSignal[] = [];
  let clock = 1_000;
  const stop = handleStopSignals({
    source: source as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
    say: (message) => said.push(message.trim()),
    exit: (code) => exits.push(code),
    now: () => clock,
    received: (signal) => received.push(signal),
  });
  return { source, said, exits, received, stop, advance: (ms: number) => (clock += ms) };
}

describe('stop signals', () => {
  it('starts one orderly stop on the first signal, whichever it is', async () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const h = harness();
      expect(h.stop.signal).toBeNull();
      h.source.emit(signal);
      await expect(h.stop.stopRequested).resolves.toBe(signal);
      expect(h.stop.signal).toBe(signal);
      expect(h.said[0]).toMatch(new RegExp(`^${signal} received: stopping`));
      expect(h.exits).toEqual([]);
      h.stop.dispose();
    }
  });

  it('acknowledges a second signal without forcing anything (a group signal often arrives twice)', () => {
    const h = harness();
    let forced = 0;
    h.stop.onForce(() => (forced += 1));
    h.source.emit('SIGTERM');
    h.advance(100);
    h.source.emit('SIGTERM');
    expect(h.said[1]).toBe('SIGTERM received: still stopping…');
    expect(forced).toBe(0);
    expect(h.exits).toEqual([]);
  });

  it('forces a stop on a third signal within five seconds: every force action runs, even after one throws, then the process exits', () => {
    const h = harness();
    const ran: string[] = [];
    h.stop.onForce(() => {
      ran.push('first');
      throw new Error('already gone');
    });
    h.stop.onForce(() => ran.push('kill the database'));
    h.source.emit('SIGINT');
    h.advance(200);
    h.source.emit('SIGINT');
    h.advance(200);
    h.source.emit('SIGINT');
    expect(ran).toEqual(['first', 'kill the database']);
    expect(h.exits).toEqual([FORCED_EXIT_CODE]);
    expect(h.said.at(-1)).toBe('SIGINT received again: stopping now.');
  });

  it('does not force when the third signal comes long after the second: that is not impatience', () => {
    const h = harness();
    h.source.emit('SIGTERM');
    h.advance(1_000);
    h.source.emit('SIGTERM');
    h.advance(6_000);
    h.source.emit('SIGHUP');
    expect(h.exits).toEqual([]);
    h.advance(1_000);
    h.source.emit('SIGHUP');
    expect(h.exits).toEqual([FORCED_EXIT_CODE]);
  });

  it('reports every signal it receives, so the launcher does not pass the same one on again', () => {
    const h = harness();
    h.source.emit('SIGTERM');
    h.source.emit('SIGHUP');
    expect(h.received).toEqual(['SIGTERM', 'SIGHUP']);
  });

  it('stops listening once disposed', () => {
    const h = harness();
    h.stop.dispose();
    expect(h.source.listenerCount('SIGINT') + h.source.listenerCount('SIGTERM') + h.source.listenerCount('SIGHUP')).toBe(0);
  });

  it('exits as a shell expects of a stopped process', () => {
    expect(exitCodeFor('SIGINT')).toBe(130);
    expect(exitCodeFor('SIGTERM')).toBe(143);
    expect(exitCodeFor('SIGHUP')).toBe(129);
  });
});
