/** Supervisor spot-checks: the verdict on one stop of a round, itself a chained duty-log entry. */
import type { DutyLog } from '../dutylog/log.ts';
import { AppError, conflict, notFound } from '../util/errors.ts';
import type { Clock } from './clock.ts';
import type { RoundRepo } from './rounds-repo.ts';
import type { Actor, Round } from './types.ts';

export class ReviewService {
  constructor(
    private readonly rounds: RoundRepo,
    private readonly log: DutyLog,
    private readonly clock: Clock,
  ) {}

  async spotCheck(user: Actor, roundId: number, idx: number, verdict: 'agree' | 'disagree', note: string): Promise<Round> {
    const round = await this.rounds.get(roundId);
    if (!round) throw notFound(`no round ${roundId}`, { what: 'round', id: roundId });
    const stop = round.stops[idx];
    if (!stop) throw notFound(`round ${roundId} has no stop ${idx}`, { what: 'round_stop', id: roundId, n: idx });
    if (stop.outcome === null) throw conflict(`stop ${idx} of round ${roundId} has not been done yet`, 'stop_open', { id: roundId, n: idx });
    if (round.userId === user.id) throw new AppError(403, 'forbidden', 'you cannot spot-check your own round');
    if (verdict === 'disagree' && !note.trim()) throw new AppError(400, 'invalid_request', 'note: say what you disagree with');
    const e = await this.log.append({
      category: 'review',
      kind: 'spot_check',
      text: `Spot-check of ${round.routeName} round ${roundId}, stop ${idx + 1} (${stop.cameraName}, ${stop.outcome} by ${round.username}): ${verdict}${note.trim() ? ` — ${note.trim()}` : ''}`,
      cameraId: stop.cameraId,
      author: { id: user.id, name: user.username },
      refSeq: stop.logSeq ?? round.logSeq,
      data: {
        roundId, stop: idx, verdict, note: note.trim(), recFromMs: stop.recFromMs, recToMs: stop.recToMs,
        route: round.routeName, cameraName: stop.cameraName, outcome: stop.outcome, operator: round.username,
        // a preset stop: the replayed range starts when the camera was at the preset
        ...(stop.preset ? { preset: stop.preset, arrivedMs: stop.arrivedMs } : {}),
      },
    });
    await this.rounds.addSpotCheck({ roundId, idx, userId: user.id, username: user.username, verdict, note: note.trim(), createdMs: this.clock.now(), logSeq: e.seq });
    return { ...round, spotChecks: await this.rounds.spotChecks(roundId) };
  }
}
