import type { RolloutList } from '../../api-schema';
import { useLive } from '../api';
import { outcomeClass, outcomeText, seconds, time } from '../format';
import { Loading } from './loading';

/** Past rollouts, newest first; each opens its page. */
export function History() {
  const loaded = useLive<RolloutList>('api/rollouts?limit=100');
  if (loaded.kind !== 'ok') return <Loading loaded={loaded} what="the rollout history" />;
  const rows = loaded.data.rollouts;
  return (
    <>
      <h1>Rollout history</h1>
      {rows.length === 0 ? (
        <p>No rollouts yet.</p>
      ) : (
        <div class="scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Rollout</th>
                <th scope="col">Outcome</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Decided by</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={`#/rollouts/${encodeURIComponent(r.id)}`}>
                      {r.model}:{r.fromVersion} → {r.toVersion}
                    </a>
                    <div class="sub">{r.id}</div>
                  </td>
                  <td>
                    <span class={outcomeClass(r.outcome, r.running)}>{outcomeText(r.outcome, r.running)}</span>
                  </td>
                  <td>{time(r.startedAt)}</td>
                  <td>{r.running ? 'running' : seconds(r.durationMs)}</td>
                  <td>{r.decidedBy ?? '–'}</td>
                  <td class="reason">{r.reason ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
