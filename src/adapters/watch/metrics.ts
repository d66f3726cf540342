/**
 * palisade watch's Prometheus metrics (prom-client): open findings by severity, namespace and
 * owning team (counted when scraped), the time each change takes to re-evaluate, how long a
 * change waits from arriving to being told (watch lag), the queue of changes waiting, and
 * the objects held. Alerts sent and failed are the alert dispatcher's (adapters/alerts).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Finding } from '../../core/model/finding.js';

export interface WatchMetrics {
  /** A change arrived from the API server (and waits in the queue). */
  received(kind: string, type: string): void;
  /** A change was evaluated: how long it waited since it arrived and how long its re-evaluation took, in seconds. */
  evaluated(kind: string, waitedSeconds: number, evaluationSeconds: number): void;
}

export interface WatchMetricSources {
  /** The open findings now (null before the first sync). */
  findings(): readonly Finding[] | null;
  /** The team that owns a finding's object ('' when none and no default route). */
  teamOf(finding: Finding): string;
  objects(): number;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function watchMetrics(registry: Registry, sources: WatchMetricSources): WatchMetrics {
  const registers = [registry];
  new Gauge({
    name: 'palisade_watch_open_findings',
    help: 'Open findings, by severity, namespace and the team that owns the object.',
    labelNames: ['severity', 'namespace', 'team'],
    registers,
    collect() {
      this.reset();
      const findings = sources.findings();
      if (!findings) return;
      const counts = new Map<string, { severity: string; namespace: string; team: string; count: number }>();
      for (const finding of findings) {
        const namespace = finding.object.kind === 'Namespace' ? finding.object.name : (finding.object.namespace ?? '');
        const team = sources.teamOf(finding);
        const key = `${finding.severity}\u0000${namespace}\u0000${team}`;
        const entry = counts.get(key);
        if (entry) entry.count++;
        else counts.set(key, { severity: finding.severity, namespace, team, count: 1 });
      }
      for (const { count, ...labels } of counts.values()) this.set(labels, count);
    },
  });
  new Gauge({
    name: 'palisade_watch_objects',
    help: 'Objects held in the watched inventory.',
    registers,
    collect() {
      this.set(sources.objects());
    },
  });
  const changes = new Counter({ name: 'palisade_watch_changes_total', help: 'Changes received from the API server, by kind and type (added, modified, deleted).', labelNames: ['kind', 'type'], registers });
  const queued = new Gauge({ name: 'palisade_watch_queue_depth', help: 'Changes received and not yet evaluated.', registers });
  const evaluation = new Histogram({ name: 'palisade_watch_evaluation_seconds', help: 'Time to re-evaluate what one change affects, by kind of the changed object.', labelNames: ['kind'], buckets: LATENCY_BUCKETS, registers });
  const lag = new Histogram({ name: 'palisade_watch_lag_seconds', help: 'From a change arriving from the API server to its findings being evaluated, recorded and told.', buckets: LATENCY_BUCKETS, registers });
  return {
    received(kind, type) {
      changes.inc({ kind, type });
      queued.inc();
    },
    evaluated(kind, waitedSeconds, evaluationSeconds) {
      queued.dec();
      evaluation.observe({ kind }, evaluationSeconds);
      lag.observe(waitedSeconds);
    },
  };
}
