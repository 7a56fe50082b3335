import type { RolloutDetail } from '../../api-schema';
import { Actions } from '../actions';
import { useLive } from '../api';
import { Chart, type ChartSeries } from '../chart';
import { outcomeClass, outcomeText, seconds, time } from '../format';
import { Loading } from './loading';

const CLASS_COLORS = ['--c1', '--c2', '--c3', '--c4', '--c5'];

/** One rollout, updating live while it runs: steps and weights, the arms side by side, the judge at every look. */
export function RolloutPage(props: { id: string }) {
  const loaded = useLive<RolloutDetail>(`api/rollouts/${encodeURIComponent(props.id)}`);
  if (loaded.kind !== 'ok') return <Loading loaded={loaded} what={`rollout ${props.id}`} />;
  const r = loaded.data;
  const s = r.summary;
  const looks = r.looks;
  const arms = (pick: (a: RolloutDetail['looks']['arms']['canary']) => ReadonlyArray<number | null>, label: string): ChartSeries[] => [
    { label: `canary ${label}`.trim(), values: pick(looks.arms.canary), color: '--canary' },
    { label: `baseline ${label}`.trim(), values: pick(looks.arms.baseline), color: '--baseline', dash: true },
  ];
  const classes = [...new Set([...Object.keys(looks.arms.canary.classShare), ...Object.keys(looks.arms.baseline.classShare)])].sort();
  return (
    <>
      <h1>
        Rollout {s.model}:{s.fromVersion} → {s.model}:{s.toVersion}
      </h1>
      <p class="outcome">
        <span class={outcomeClass(s.outcome, s.running)}>{outcomeText(s.outcome, s.running)}</span>{' '}
        {s.running ? (r.step !== null && r.step >= 0 ? `step ${r.step + 1} of ${r.policy.steps.length} (${r.phase})` : r.phase) : s.reason}
      </p>
      <dl class="facts">
        <dt>Id</dt>
        <dd>{s.id}</dd>
        <dt>Started</dt>
        <dd>{time(s.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{s.running ? 'running' : seconds(s.durationMs)}</dd>
        <dt>Decided by</dt>
        <dd>{s.decidedBy ?? (s.running ? 'not yet' : '–')}</dd>
        <dt>Steps</dt>
        <dd>
          {r.policy.steps.map((p) => `${p}%`).join(', ')} every {seconds(r.policy.intervalMs)}; metric source {r.source}
        </dd>
      </dl>
      <Actions rollout={s} />
      <section aria-labelledby="steps-h">
        <h2 id="steps-h">Steps and weights</h2>
        <Chart
          title="Traffic weight per variant"
          description={`now stable ${r.weights.stable.at(-1)}%, baseline ${r.weights.baseline.at(-1)}%, canary ${r.weights.canary.at(-1)}%`}
          x={r.weights.t}
          unit="%"
          yRange={[0, 100]}
          series={[
            { label: 'stable', values: r.weights.stable, color: '--stable', stepped: true },
            { label: 'baseline', values: r.weights.baseline, color: '--baseline', stepped: true, dash: true },
            { label: 'canary', values: r.weights.canary, color: '--canary', stepped: true },
          ]}
        />
      </section>
      <section aria-labelledby="arms-h">
        <h2 id="arms-h">Baseline and canary at each look</h2>
        {looks.t.length === 0 ? (
          <p role="status">No look of the judge yet: the arms are starting or the first interval has not passed.</p>
        ) : (
          <div class="grid">
            <Chart title="Request rate" description="requests per second per arm since the previous look" x={looks.t} unit="/s" series={arms((a) => a.rps, '')} />
            <Chart title="Error rate" description="percent of requests that failed per arm since the previous look" x={looks.t} unit="%" series={arms((a) => a.errorRate, '')} />
            <Chart
              title="Latency p50 / p90 / p99"
              description="latency quantiles in milliseconds per arm since the previous look"
              x={looks.t}
              unit="ms"
              series={[...arms((a) => a.p50, 'p50'), ...arms((a) => a.p90, 'p90'), ...arms((a) => a.p99, 'p99')]}
            />
            <Chart
              title="Predicted-class mix"
              description="share of each predicted class per arm, cumulative"
              x={looks.t}
              unit="%"
              yRange={[0, 100]}
              series={classes.flatMap((label, k) => [
                { label: `canary ${label}`, values: looks.arms.canary.classShare[label] ?? [], color: CLASS_COLORS[k % CLASS_COLORS.length]! },
                { label: `baseline ${label}`, values: looks.arms.baseline.classShare[label] ?? [], color: CLASS_COLORS[k % CLASS_COLORS.length]!, dash: true },
              ])}
            />
          </div>
        )}
      </section>
      <section aria-labelledby="judge-h">
        <h2 id="judge-h">The judge, metric by metric</h2>
        {r.metrics.length === 0 && <p>No verdict yet.</p>}
        <div class="grid">
          {r.metrics.map((m) => (
            <div class="card" key={m.name}>
              <Chart
                title={`${m.name}: ${m.statisticName ?? 'statistic'} against its boundary`}
                description={`the ${m.kind} metric fails when the statistic reaches the boundary; last status ${m.status.at(-1) ?? 'none'}`}
                x={looks.t}
                unit=""
                series={[
                  { label: m.statisticName ?? 'statistic', values: m.statistic, color: '--canary' },
                  { label: 'boundary', values: m.boundary, color: '--bad', dash: true },
                ]}
              />
              <p class="sentence">
                <span class={`badge ${m.status.at(-1) === 'fail' ? 'bad' : m.status.at(-1) === 'pass' ? 'good' : ''}`}>{m.status.at(-1) ?? 'no data'}</span> {m.sentence}
              </p>
            </div>
          ))}
        </div>
      </section>
      <section aria-labelledby="looks-h">
        <h2 id="looks-h">Every look</h2>
        <div class="scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">t</th>
                <th scope="col">Step</th>
                <th scope="col">Decision</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {looks.t.map((t, k) => (
                <tr key={k}>
                  <td>{t.toFixed(1)} s</td>
                  <td>{looks.step[k]! >= 0 ? `${looks.step[k]! + 1}/${r.policy.steps.length}` : '–'}</td>
                  <td>
                    <span class={`badge ${looks.decision[k] === 'rollback' ? 'bad' : looks.decision[k] === 'promote' ? 'good' : ''}`}>{looks.decision[k] ?? 'no data'}</span>
                  </td>
                  <td class="reason">{looks.reasons[k]!.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="events-h">
        <h2 id="events-h">Timeline</h2>
        <ol class="events">
          {r.events.map((e) => (
            <li>
              <span class="t">{e.t.toFixed(1)} s</span> {e.message}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
