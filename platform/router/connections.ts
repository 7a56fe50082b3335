import http from 'node:http';

/** The router's kept-alive connections to each instance, and the requests in flight to each. */
export class UpstreamConnections {
  private readonly agents = new Map<string, http.Agent>();
  private readonly inFlightCounts = new Map<string, number>();

  agentFor(name: string): http.Agent {
    let agent = this.agents.get(name);
    if (!agent) {
      // `timeout` lets Node honour the instance's `Keep-Alive: timeout=N` hint (idle sockets closed 1 s early).
      agent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1_000, timeout: 60_000 });
      this.agents.set(name, agent);
    }
    return agent;
  }

  /** Counts a request to `name` as in flight; the function returned ends it. */
  begin(name: string): () => void {
    this.inFlightCounts.set(name, this.inFlight(name) + 1);
    return () => this.inFlightCounts.set(name, (this.inFlightCounts.get(name) ?? 1) - 1);
  }

  inFlight(name: string): number {
    return this.inFlightCounts.get(name) ?? 0;
  }

  /** Closes the connections of instances not in `names` that have nothing in flight. */
  keepOnly(names: ReadonlySet<string>): void {
    for (const [name, agent] of this.agents) {
      if (!names.has(name) && !this.inFlight(name)) {
        agent.destroy();
        this.agents.delete(name);
      }
    }
  }

  closeAll(): void {
    for (const agent of this.agents.values()) agent.destroy();
  }
}
