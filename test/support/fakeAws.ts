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
  /**
   * One S3 bucket (path-style, ListObjectsV2 and GetObject) living in `region`: a request signed
   * for another region gets S3's 301 PermanentRedirect naming the bucket's region. `pageSize`
   * cuts listings into pages of that many keys and prefixes (S3's MaxKeys, 1,000 by default).
   */
  s3: { bucket: string; region: string; objects: Record<string, Buffer>; denyReads?: boolean; denyList?: boolean; expired?: boolean; pageSize?: number } | null;
  /** Every call, with the access key id and region it was signed with (SigV4's Credential scope). */
  readonly calls: { at: number; target: string; body: Record<string, unknown>; signedWith?: { accessKeyId: string; region: string } }[];
  close(): Promise<void>;
}

const PAGE = 50;

export async function startFakeAws(): Promise<FakeAws> {
  const fake: Omit<FakeAws, 'url' | 'close'> = { events: [], findings: [], throttleNext: 0, failWith: null, s3: null, calls: [] };
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => send(res, 500, { __type: 'InternalFailure', message: error.message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    if (fake.s3 && url.pathname.startsWith(`/${fake.s3.bucket}`)) return s3(req, res, url, fake.s3);
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const target = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
    const credential = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    fake.calls.push({ at: Date.now(), target, body, ...(credential ? { signedWith: { accessKeyId: credential[1]!, region: credential[2]! } } : {}) });
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

    const path = url.pathname;
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

  function s3(req: IncomingMessage, res: ServerResponse, url: URL, bucket: NonNullable<FakeAws['s3']>) {
    const signedFor = /Credential=[^/]+\/\d+\/([^/]+)\/s3\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    fake.calls.push({ at: Date.now(), target: `S3 ${req.method} ${url.pathname}${url.search} (${signedFor})`, body: {} });
    if (signedFor !== bucket.region) {
      res.writeHead(301, { 'content-type': 'application/xml', 'x-amz-bucket-region': bucket.region });
      return res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Bucket>${bucket.bucket}</Bucket></Error>`);
    }
    const key = decodeURIComponent(url.pathname.slice(bucket.bucket.length + 2));
    if (bucket.expired) {
      res.writeHead(400, { 'content-type': 'application/xml' });
      return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>');
    }
    if (!key && bucket.denyList) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    }
    if (key && bucket.denyReads) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    }
    if (key) {
      const data = bucket.objects[key];
      if (!data) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        return res.end('<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', etag: `"${key.length}${data.length}"`, 'content-length': data.length });
      return res.end(data);
    }
    const prefix = url.searchParams.get('prefix') ?? '';
    const delimiter = url.searchParams.get('delimiter');
    const keys = Object.keys(bucket.objects).filter((k) => k.startsWith(prefix)).sort();
    // Keys and common prefixes in key order, as S3 pages them.
    const entries = new Map<string, string>();
    for (const k of keys) {
      const rest = k.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) entries.set(prefix + rest.slice(0, cut + 1), `<CommonPrefixes><Prefix>${prefix + rest.slice(0, cut + 1)}</Prefix></CommonPrefixes>`);
      else entries.set(k, `<Contents><Key>${k}</Key><Size>${bucket.objects[k]!.length}</Size><ETag>"${k.length}${bucket.objects[k]!.length}"</ETag></Contents>`);
    }
    const all = [...entries.keys()].sort();
    const start = Number(url.searchParams.get('continuation-token') ?? 0);
    const size = bucket.pageSize ?? 1000;
    const page = all.slice(start, start + size);
    const truncated = start + size < all.length;
    res.writeHead(200, { 'content-type': 'application/xml' });
    return res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket.bucket}</Name><Prefix>${prefix}</Prefix>` +
        `<KeyCount>${page.length}</KeyCount><MaxKeys>${size}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${start + size}</NextContinuationToken>` : ''}` +
        `${page.map((k) => entries.get(k)).join('')}</ListBucketResult>`,
    );
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
