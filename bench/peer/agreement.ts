/** Checks that the peer computes what keelson computes: same labels, probabilities equal to float32 precision. */

interface OipOutput {
  name: string;
  data: number[];
}

export interface Agreement {
  rows: number;
  sameLabel: number;
  maxProbabilityDifference: number;
}

async function infer(url: string, body: string): Promise<{ probabilities: number[]; label: number }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const outputs = ((await response.json()) as { outputs: OipOutput[] }).outputs;
  const find = (name: string) => outputs.find((o) => o.name === name)?.data ?? [];
  return { probabilities: find('probabilities'), label: find('label')[0] ?? -1 };
}

/** Sends the same bodies to both servers and compares the answers. */
export async function compareAnswers(serviceUrl: string, peerUrl: string, bodies: readonly string[]): Promise<Agreement> {
  let sameLabel = 0;
  let maxProbabilityDifference = 0;
  for (const body of bodies) {
    const [ours, theirs] = await Promise.all([infer(serviceUrl, body), infer(peerUrl, body)]);
    if (ours.label === theirs.label) sameLabel++;
    ours.probabilities.forEach((p, i) => (maxProbabilityDifference = Math.max(maxProbabilityDifference, Math.abs(p - (theirs.probabilities[i] ?? Number.NaN)))));
  }
  return { rows: bodies.length, sameLabel, maxProbabilityDifference };
}
