/** Small formatting helpers shared by the pages. */
export const seconds = (ms: number | null): string => (ms === null ? '–' : ms < 60_000 ? `${(ms / 1_000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`);
export const pct = (x: number | null, digits = 1): string => (x === null ? '–' : `${(100 * x).toFixed(digits)}%`);
export const time = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '–');
export const outcomeText = (outcome: string | null, running: boolean): string => (running ? 'RUNNING' : outcome === 'promoted' ? 'PROMOTED' : outcome === 'rolled-back' ? 'ROLLED BACK' : 'UNFINISHED');
export const outcomeClass = (outcome: string | null, running: boolean): string => (running ? 'badge running' : outcome === 'promoted' ? 'badge good' : outcome === 'rolled-back' ? 'badge bad' : 'badge');
