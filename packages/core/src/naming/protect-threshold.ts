/**
 * Protect threshold: when the healthy share of a service's usable instances is at or below the threshold,
 * consumers get every instance instead of the few healthy ones, so a partial outage does not pile all
 * traffic onto the survivors. Unlike Nacos, a threshold of 0 disables it (Nacos 2.x trips at 0 when every
 * instance is unhealthy and then reports them all healthy, which hides the outage from callers).
 */
export function reachesProtectThreshold(threshold: number, healthy: number, total: number): boolean {
  return threshold > 0 && total > 0 && healthy / total <= threshold;
}
