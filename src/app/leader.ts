/**
 * Leader election for replicas of palisade watch: one holder of a coordination.k8s.io Lease at a
 * time, as Kubernetes components elect theirs (client-go's leaderelection). Acquire by creating
 * the Lease, renew by replacing it with its resourceVersion (optimistic concurrency: of two
 * candidates writing the same version, one gets 409 Conflict), take over when renewTime +
 * leaseDurationSeconds has passed, release on shutdown by clearing holderIdentity.
 */
import { decideLease, leadershipLapsed, type LeaseRecord } from '../core/watch/lease.js';

/** A Lease as the API server holds it (the fields used). */
export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  spec?: { holderIdentity?: string | null; leaseDurationSeconds?: number; acquireTime?: string | null; renewTime?: string | null; leaseTransitions?: number };
}

/** The port: read, create and replace one Lease. A write that lost the race answers 'conflict'. */
export interface LeaseClient {
  get(): Promise<Lease | undefined>;
  create(lease: Lease): Promise<Lease | 'conflict'>;
  replace(lease: Lease): Promise<Lease | 'conflict'>;
}

export interface ElectorOptions {
  client: LeaseClient;
  name: string;
  namespace: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  now: () => number;
  onStartedLeading: () => void;
  onStoppedLeading: (why: string) => void;
  onError?: (message: string) => void;
}

export interface Elector {
  readonly leading: boolean;
  /** Stops trying; a leader releases the Lease (holderIdentity cleared) so another takes over at once. */
  stop(): Promise<void>;
}

/** MicroTime as the API server writes it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function recordOf(lease: Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  const renewed = spec.renewTime ?? spec.acquireTime ?? undefined;
  const renewedAt = renewed ? Date.parse(renewed) : undefined;
  return { holder: spec.holderIdentity ?? undefined, renewedAt: renewedAt !== undefined && !Number.isNaN(renewedAt) ? renewedAt : undefined, durationMs: (spec.leaseDurationSeconds ?? 0) * 1000 };
}

export function startElector(options: ElectorOptions): Elector {
  const { client, identity } = options;
  const durationSeconds = Math.max(1, Math.round(options.leaseDurationMs / 1000));
  let leading = false;
  let lastRenew = 0;
  let held: Lease | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const lose = (why: string) => {
    if (!leading) return;
    leading = false;
    held = undefined;
    options.onStoppedLeading(why);
  };
  const gain = (lease: Lease, at: number) => {
    held = lease;
    lastRenew = at;
    if (!leading) {
      leading = true;
      options.onStartedLeading();
    }
  };

  const attempt = async () => {
    const now = options.now();
    const current = await client.get();
    const decision = decideLease(current ? recordOf(current) : undefined, identity, now);
    if (decision === 'wait') {
      lose(`the Lease is held by ${current?.spec?.holderIdentity ?? 'another replica'}`);
      return;
    }
    const at = microTime(now);
    if (decision === 'create') {
      const created = await client.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: options.name, namespace: options.namespace }, spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: at, renewTime: at, leaseTransitions: 0 } });
      if (created !== 'conflict') gain(created, now);
      return;
    }
    const spec = current!.spec ?? {};
    const takingOver = decision === 'take-over';
    const replaced = await client.replace({
      ...current!,
      spec: { ...spec, holderIdentity: identity, leaseDurationSeconds: durationSeconds, renewTime: at, ...(takingOver ? { acquireTime: at, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}) },
    });
    if (replaced === 'conflict') lose('another replica wrote the Lease first');
    else gain(replaced, now);
  };

  const tick = () => {
    running = (async () => {
      try {
        await attempt();
      } catch (error) {
        options.onError?.((error as Error).message);
      }
      // A leader that could not renew within the renew deadline stops leading (before the others may take over).
      if (leading && leadershipLapsed(lastRenew, options.renewDeadlineMs, options.now())) lose(`the Lease was not renewed within ${options.renewDeadlineMs / 1000} s`);
      if (!stopped) timer = setTimeout(tick, options.retryPeriodMs);
    })();
  };
  tick();

  return {
    get leading() {
      return leading;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      if (leading && held) {
        const release = held;
        leading = false;
        held = undefined;
        try {
          await client.replace({ ...release, spec: { ...release.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(options.now()) } });
        } catch (error) {
          options.onError?.(`releasing the Lease: ${(error as Error).message}`);
        }
        options.onStoppedLeading('stopping: released the Lease');
      }
    },
  };
}
