import type { PulledPage } from '../pipeline/runPull';
import { clientConfig, describeAwsError, type AwsOptions } from './awsClients';
import { guardDutySdk } from './sdk';

const GET_BATCH = 50;

export interface GuardDutyPullOptions extends AwsOptions {
  /**
   * Only findings updated at or after this time (epoch ms), per detector (a detector is one
   * account's GuardDuty in one region; an administrator's also sees its members' findings).
   */
  readonly updatedSince: (detectorId: string) => Promise<number | null>;
  readonly onFinding?: (detectorId: string, updatedAt: number) => void;
}

/**
 * Every finding of every detector in the region: ListDetectors, ListFindings (updated since the
 * given time, for incremental pulls), GetFindings 50 at a time. The SDK's findings (PascalCase)
 * go to the same normaliser as the CLI's GetFindings output.
 */
export async function* guardDutyFindings(options: GuardDutyPullOptions): AsyncGenerator<PulledPage> {
  const { GetFindingsCommand, GuardDutyClient, ListDetectorsCommand, ListFindingsCommand } = await guardDutySdk();
  const client = new GuardDutyClient(await clientConfig(options));
  const call = async <T>(what: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw describeAwsError(error, `GuardDuty ${what} in ${options.region}`);
    }
  };
  try {
    const detectors: string[] = [];
    let token: string | undefined;
    do {
      const out = await call('ListDetectors', () => client.send(new ListDetectorsCommand(token ? { NextToken: token } : {})));
      detectors.push(...(out.DetectorIds ?? []));
      token = out.NextToken;
    } while (token);

    for (const detectorId of detectors) {
      const since = await options.updatedSince(detectorId);
      let next: string | undefined;
      let page = 0;
      do {
        const list = await call('ListFindings', () =>
          client.send(
            new ListFindingsCommand({
              DetectorId: detectorId,
              MaxResults: GET_BATCH,
              ...(since !== null ? { FindingCriteria: { Criterion: { updatedAt: { GreaterThanOrEqual: since } } } } : {}),
              ...(next ? { NextToken: next } : {}),
            }),
          ),
        );
        next = list.NextToken;
        const ids = list.FindingIds ?? [];
        for (let i = 0; i < ids.length; i += GET_BATCH) {
          const got = await call('GetFindings', () => client.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ids.slice(i, i + GET_BATCH) })));
          page += 1;
          const records = (got.Findings ?? []).map((finding) => {
            const updated = Date.parse(String(finding.UpdatedAt));
            if (Number.isFinite(updated)) options.onFinding?.(detectorId, updated);
            return finding as unknown as Record<string, unknown>;
          });
          yield { where: `guardduty:GetFindings ${options.region} detector ${detectorId} batch ${page}`, records };
        }
      } while (next);
    }
  } finally {
    client.destroy();
  }
}
