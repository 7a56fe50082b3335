import { spawnSync } from 'node:child_process';

/** The peer's packages on Debian (PyPI is not needed): what to tell the user when they are missing. */
const PEER_APT_PACKAGES = 'python3-fastapi python3-uvicorn python3-sklearn python3-joblib (optional: python3-uvloop python3-httptools)';

/** Which Python runs the peer: `KEELSON_BENCH_PYTHON`, else Debian's `/usr/bin/python3` (a pyenv on PATH may lack the packages). */
function peerPython(): string {
  return process.env.KEELSON_BENCH_PYTHON ?? '/usr/bin/python3';
}

/** The peer stack's versions, or why it cannot run. */
export type PeerAvailability = { kind: 'available'; python: string; versions: Record<string, string> } | { kind: 'missing'; reason: string };

const PROBE = `
import json, sys
import fastapi, uvicorn, sklearn, joblib, numpy
versions = {"python": sys.version.split()[0], "fastapi": fastapi.__version__, "uvicorn": uvicorn.__version__,
            "scikit-learn": sklearn.__version__, "joblib": joblib.__version__, "numpy": numpy.__version__}
for optional in ("uvloop", "httptools"):
    try:
        versions[optional] = __import__(optional).__version__
    except ImportError:
        pass
print(json.dumps(versions))
`;

/** Checks that the peer's Python has FastAPI, uvicorn, scikit-learn and joblib. */
export function checkPeer(): PeerAvailability {
  const python = peerPython();
  const result = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (result.error) return { kind: 'missing', reason: `cannot run ${python}: ${result.error.message}` };
  if (result.status !== 0) {
    const why = result.stderr.trim().split('\n').pop() ?? `exit code ${result.status}`;
    return { kind: 'missing', reason: `${python} lacks the peer's packages (${why}); apt-get install -y ${PEER_APT_PACKAGES}` };
  }
  return { kind: 'available', python, versions: JSON.parse(result.stdout) as Record<string, string> };
}
