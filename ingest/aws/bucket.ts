import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { TrailhoundError } from '../../graph/errors';
import type { InputFile } from '../pipeline/types';
import { clientConfig, describeAwsError, type AwsOptions } from './awsClients';
import { s3Sdk } from './sdk';

type S3Sdk = Awaited<ReturnType<typeof s3Sdk>>;

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** One object a listing found. */
export interface S3Object {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
}

/**
 * A log bucket as the listers walk it (the AWSLogs layout, Security Lake's): its folders one
 * level at a time, its objects, and each object as an ingest input, every call's failure turned
 * into an error that says what to do.
 */
export class LogBucket {
  private constructor(
    private readonly location: S3Location,
    private readonly options: AwsOptions,
    private readonly sdk: S3Sdk,
    readonly client: S3Client,
  ) {}

  static async open(location: S3Location, options: AwsOptions): Promise<LogBucket> {
    const sdk = await s3Sdk();
    // A bucket in another region answers with a redirect the client follows.
    const client = new sdk.S3Client({ ...(await clientConfig(options)), forcePathStyle: Boolean(options.endpointUrl), followRegionRedirects: true });
    return new LogBucket(location, options, sdk, client);
  }

  /** The folders directly under a prefix. */
  async folders(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', () => this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) })));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Every object under a prefix (folder markers left out). */
  async objects(prefix: string): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', () => this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })));
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) out.push({ key: o.Key, size: o.Size ?? 0, etag: (o.ETag ?? '').replace(/"/g, '') });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** An object as an ingest input: its ledger key (bucket, key and ETag: a rewritten object is read again) and how to stream it. */
  input(object: S3Object, sourceHint?: InputFile['sourceHint']): InputFile {
    const { bucket } = this.location;
    return {
      path: `s3://${bucket}/${object.key}`,
      size: object.size,
      ledgerKey: `s3:${bucket}/${object.key}#${object.etag}`,
      ...(sourceHint ? { sourceHint } : {}),
      open: async () => {
        const got = await this.call('GetObject', () => this.client.send(new this.sdk.GetObjectCommand({ Bucket: bucket, Key: object.key })));
        return got.Body as Readable;
      },
    };
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    const { bucket } = this.location;
    try {
      return await send();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchBucket') throw new TrailhoundError('S3_NO_BUCKET', `Bucket ${bucket} does not exist (or is not visible to these credentials).`, 'Check the bucket name and the account of the credentials.');
      if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed') {
        throw new TrailhoundError('S3_WRONG_REGION', `Bucket ${bucket} is in another region than ${this.options.region}.`, 'Pass that region with --region (the bucket\'s, e.g. from `aws s3api get-bucket-location`).');
      }
      throw describeAwsError(error, `S3 ${what} on ${bucket}`);
    }
  }
}
