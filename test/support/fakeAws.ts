import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small local server speaking the wire protocols the real AWS SDK clients use: CloudTrail's
 * LookupEvents (awsJson1_1) and GuardDuty's ListDetectors, ListFindings and GetFindings
 * (restJson1). It serves the given events and findings, pages them, and can throttle or refuse,
 * so the real clients, retries and paging are what the tests exercise.
 */
export interface FakeAws {
  readonly url: string;
  /** CloudTrail records (as in a trail file); LookupEvents answers newest first. */
  events: Record<string, unknown>[];
  /** GuardDuty findings in the API's wire form (camelCase). */
  findings: Record<string, unknown>[];
  /** Answer the next N CloudTrail calls with ThrottlingException. */
  throttleNext: number;
  /** Answer every call with this error (__type), e.g. AccessDeniedException. */
  failWith: { type: string; message: string; status: number } | null;
  readonly calls: { at: number; target: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

const PAGE = 50;

export async function startFakeAws(): Promise<FakeAws> {
  const fake: Omit<FakeAws, 'url' | 'close'> = { events: [], findings: [], throttleNext: 0, failWith: null, calls: [] };
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => send(res, 500, { __type: 'InternalFailure', message: error.message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const target = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
    fake.calls.push({ at: Date.now(), target, body });
    if (fake.failWith) return send(res, fake.failWith.status, { __type: fake.failWith.type, message: fake.failWith.message }, fake.failWith.type);

    if (target.endsWith('.LookupEvents')) {
      if (fake.throttleNext > 0) {
        fake.throttleNext -= 1;
        return send(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      }
      const from = Number(body.StartTime) * 1000;
      const to = Number(body.EndTime) * 1000;
      const attribute = (body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined)?.[0];
      const matching = fake.events
        .filter((e) => {
          const t = Date.parse(String(e.eventTime));
          if (t < from || t > to) return false;
          if (attribute?.AttributeKey === 'Username') return (e.userIdentity as { userName?: string; arn?: string }).userName === attribute.AttributeValue;
          if (attribute?.AttributeKey === 'EventName') return e.eventName === attribute.AttributeValue;
          return true;
        })
        .sort((a, b) => Date.parse(String(b.eventTime)) - Date.parse(String(a.eventTime)));
      const offset = Number(body.NextToken ?? 0);
      const page = matching.slice(offset, offset + Math.min(Number(body.MaxResults ?? PAGE), PAGE));
      return send(res, 200, {
        Events: page.map((e) => ({ EventId: e.eventID, EventName: e.eventName, EventTime: Date.parse(String(e.eventTime)) / 1000, EventSource: e.eventSource, CloudTrailEvent: JSON.stringify(e) })),
        ...(offset + PAGE < matching.length ? { NextToken: String(offset + PAGE) } : {}),
      });
    }

    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/detector') return send(res, 200, { detectorIds: ['12abc34d567e8fa901bc2d34e56789f0'] });
    const list = /^\/detector\/([^/]+)\/findings$/.exec(path);
    if (req.method === 'POST' && list) {
      const since = (body.findingCriteria as { criterion?: { updatedAt?: { greaterThanOrEqual?: number } } } | undefined)?.criterion?.updatedAt?.greaterThanOrEqual;
      const ids = fake.findings.filter((f) => since === undefined || Date.parse(String(f.updatedAt)) >= since).map((f) => String(f.id));
      const offset = Number(body.nextToken ?? 0);
      const size = Number(body.maxResults ?? PAGE);
      return send(res, 200, { findingIds: ids.slice(offset, offset + size), ...(offset + size < ids.length ? { nextToken: String(offset + size) } : {}) });
    }
    if (req.method === 'POST' && /^\/detector\/([^/]+)\/findings\/get$/.test(path)) {
      const wanted = new Set(body.findingIds as string[]);
      return send(res, 200, { findings: fake.findings.filter((f) => wanted.has(String(f.id))) });
    }
    return send(res, 404, { __type: 'UnknownOperationException', message: `no route ${req.method} ${path}` });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeAws;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': 'fake-request',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}
