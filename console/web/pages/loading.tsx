import type { Loaded } from '../api';

export function Loading(props: { loaded: Loaded<unknown>; what: string }) {
  if (props.loaded.kind === 'error') {
    return (
      <p class="notice bad" role="alert">
        Could not load {props.what}: {props.loaded.message}
      </p>
    );
  }
  return <p role="status">Loading {props.what}…</p>;
}
