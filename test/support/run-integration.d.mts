export interface IntegrationOutcome {
  passed: number;
  failed: number;
  failures?: { title: string; error: string }[];
}
export function runIntegration(opts?: { timeoutMs?: number; env?: Record<string, string> }): Promise<IntegrationOutcome>;
