import type { Overview } from '../../api-schema';
import { useLive } from '../api';
import { Loading } from './loading';

const VARIANTS = ['stable', 'baseline', 'canary'] as const;

/** What serves now: versions, weights, instances, the rollout in progress, GitOps, the latest verdicts. */
export function Now() {
  const loaded = useLive<Overview>('api/overview');
  if (loaded.kind !== 'ok') return <Loading loaded={loaded} what="the platform's state" />;
  const o = loaded.data;
  return (
    <>
      <h1>
        Now: {o.model}:{o.stable} {o.canary ? `(canary ${o.model}:${o.canary})` : ''}
      </h1>
      {!o.platform.running && <p class="notice bad">The platform is not running: start it with <code>keelson start</code>.</p>}
      <section aria-labelledby="weights-h">
        <h2 id="weights-h">Traffic weights</h2>
        <div class="weights" role="img" aria-label={VARIANTS.map((v) => `${v} ${o.weights[v]}%`).join(', ')}>
          {VARIANTS.filter((v) => o.weights[v] > 0).map((v) => (
            <span class={`w ${v}`} style={{ width: `${o.weights[v]}%` }}>
              {v} {o.weights[v]}%
            </span>
          ))}
        </div>
      </section>
      {o.rollout && (
        <section aria-labelledby="running-h" class="card">
          <h2 id="running-h">Rollout in progress</h2>
          <p>
            <a href={`#/rollouts/${encodeURIComponent(o.rollout.id)}`}>
              {o.model}:{o.rollout.fromVersion} → {o.model}:{o.rollout.toVersion}
            </a>{' '}
            — {o.rollout.step >= 0 ? `step ${o.rollout.step + 1} of ${o.rollout.stepCount}` : o.rollout.phase}
            {o.rollout.lastDecision && `, last verdict ${o.rollout.lastDecision}`}
          </p>
          {o.rollout.lastReasons[0] && <p class="reason">{o.rollout.lastReasons[0]}</p>}
        </section>
      )}
      <section aria-labelledby="inst-h">
        <h2 id="inst-h">Instances</h2>
        <div class="scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Version</th>
                <th scope="col">Readiness</th>
                <th scope="col">URL</th>
              </tr>
            </thead>
            <tbody>
              {o.instances.map((i) => (
                <tr key={i.name}>
                  <td>{i.name}</td>
                  <td>{i.role}</td>
                  <td>{i.version}</td>
                  <td>
                    <span class={`badge ${i.status === 'ready' ? 'good' : i.status === 'failed' ? 'bad' : ''}`}>{i.status}</span>
                    {i.detail ? ` ${i.detail}` : ''}
                  </td>
                  <td>
                    <code>{i.url}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="git-h">
        <h2 id="git-h">GitOps agent</h2>
        {o.gitops ? (
          <dl class="facts">
            <dt>Sync</dt>
            <dd>
              {o.gitops.phase} (branch {o.gitops.branch}, deploy/{o.gitops.environment}.yaml)
            </dd>
            <dt>Live commit</dt>
            <dd>{o.gitops.live ? <Commit commit={o.gitops.live.commit} subject={o.gitops.live.subject} version={o.gitops.live.version} /> : 'none yet'}</dd>
            {o.gitops.deploying && (
              <>
                <dt>Deploying</dt>
                <dd>
                  <Commit commit={o.gitops.deploying.commit} subject={o.gitops.deploying.subject} version={o.gitops.deploying.version} />
                </dd>
              </>
            )}
            {o.gitops.failure && (
              <>
                <dt>Last failure</dt>
                <dd>
                  {o.gitops.failure.commit.slice(0, 7)}: {o.gitops.failure.message}
                </dd>
              </>
            )}
          </dl>
        ) : (
          <p>The GitOps agent has not run here (the platform was started with <code>keelson up</code> or <code>--no-gitops</code>).</p>
        )}
      </section>
      <section aria-labelledby="verdicts-h">
        <h2 id="verdicts-h">Latest verdicts</h2>
        {o.lastRollout && (
          <p>
            Last rollout{' '}
            <a href={`#/rollouts/${encodeURIComponent(o.lastRollout.id)}`}>{o.lastRollout.id}</a>: <strong>{o.lastRollout.outcome}</strong> ({o.lastRollout.decidedBy ?? 'unknown'}) — {o.lastRollout.reason}
          </p>
        )}
        {o.verdicts.length === 0 ? (
          <p>No verdicts yet: start a rollout with <code>keelson rollout --model {o.model}:VERSION</code> or a commit to deploy/local.yaml.</p>
        ) : (
          <ul class="verdicts">
            {o.verdicts.map((v) => (
              <li>
                <span class={`badge ${v.decision === 'rollback' ? 'bad' : v.decision === 'promote' ? 'good' : ''}`}>{v.decision ?? 'no data'}</span> {v.rolloutId} at {v.t.toFixed(1)} s: {v.reason}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function Commit(props: { commit: string | null; subject: string | null; version: string }) {
  return (
    <>
      version {props.version}
      {props.commit && (
        <>
          {' '}
          from <code>{props.commit.slice(0, 7)}</code> {props.subject ? `“${props.subject}”` : ''}
        </>
      )}
    </>
  );
}
