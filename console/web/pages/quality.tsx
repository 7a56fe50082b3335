import type { Quality as QualityData } from '../../api-schema';
import { useLive } from '../api';
import { pct } from '../format';
import { Loading } from './loading';

/** PSI above this is usually read as a significant shift. */
const PSI_ALERT = 0.2;

/** Drift, class mix against the training reference, and live accuracy where labels came back, per served version. */
export function Quality() {
  const loaded = useLive<QualityData>('api/quality');
  if (loaded.kind !== 'ok') return <Loading loaded={loaded} what="model quality" />;
  const q = loaded.data;
  return (
    <>
      <h1>Model quality: {q.model}</h1>
      {q.versions.length === 0 && <p>No instance is serving.</p>}
      {q.versions.map((v) => (
        <section class="card" aria-labelledby={`v-${v.version}`} key={v.version}>
          <h2 id={`v-${v.version}`}>
            Version {v.version} ({v.roles.join(', ')})
          </h2>
          {v.error && <p class="notice bad">Some metrics could not be read: {v.error}</p>}
          <div class="grid">
            <div>
              <h3>Input drift (PSI per feature)</h3>
              {v.drift.length === 0 ? (
                <p>No drift estimate yet (the window needs more requests).</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Feature</th>
                      <th scope="col">PSI</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.drift.map((d) => (
                      <tr key={d.feature}>
                        <td>{d.feature}</td>
                        <td>
                          <meter min={0} max={0.5} high={PSI_ALERT} optimum={0} value={Math.min(d.psi, 0.5)} aria-label={`PSI of ${d.feature}`} /> {d.psi.toFixed(3)}
                          {d.psi >= PSI_ALERT ? ' shifted' : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <div>
              <h3>Predicted classes against the training reference</h3>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Class</th>
                    <th scope="col">Live ({v.predictions} predictions)</th>
                    <th scope="col">Reference</th>
                  </tr>
                </thead>
                <tbody>
                  {v.classMix.map((c) => (
                    <tr key={c.label}>
                      <td>{c.label}</td>
                      <td>{pct(c.live)}</td>
                      <td>{pct(c.reference)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3>Live accuracy</h3>
              {v.feedback && v.feedback.accuracy !== null ? (
                <p>
                  <strong>{pct(v.feedback.accuracy)}</strong> of {v.feedback.correct + v.feedback.incorrect} labelled predictions were right
                  {v.referenceAccuracy !== null ? ` (${pct(v.referenceAccuracy)} on the held-out data at training)` : ''}.
                </p>
              ) : (
                <p>No labels yet: clients have sent no feedback for this version{v.referenceAccuracy !== null ? ` (held-out accuracy at training: ${pct(v.referenceAccuracy)})` : ''}.</p>
              )}
            </div>
          </div>
        </section>
      ))}
    </>
  );
}
