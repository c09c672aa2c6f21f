import type { IncomingHttpHeaders } from 'node:http';
import { Logger } from '@nestjs/common';
import type { Clock, RejectReason } from '@vulgraad/contracts';
import type { InboundMessage, IngestPipeline, MessageOutcome } from '../ingest.pipeline';
import { AnswerDeadlines, type AwaitingCommit } from './answer-deadlines';
import type { RateLimiter } from './rate-limiter';
import type { AuthOutcome, UplinkAuth } from './uplink-auth';
import { envelopeOf, type UplinkRoute } from './uplink-envelope';
import type { HttpIngestMetrics } from './http-ingest.metrics';

/** What the controller sends back: a status, headers and a JSON body. */
export interface UplinkAnswer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/** The answer to every uplink whose reading was committed (or already stored), one object for all. */
export const STORED_ANSWER: UplinkAnswer = Object.freeze({ status: 200, body: Object.freeze({ status: 'stored' }) });

/** One HTTP uplink as the controller hands it over. */
export interface UplinkRequestInput {
  route: UplinkRoute;
  name: string;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the body was over the limit and not (fully) read. */
  oversizeBytes?: number;
  /** ChirpStack's `event` query parameter. */
  event?: string;
}

export interface HttpIngestOptions {
  maxPayloadBytes: number;
  maxBuffered: number;
  timeoutMs: number;
}

/** The HTTP status of each reason a message is kept as rejected: 400 for what cannot be read, 422 for what cannot be stored. */
const STATUS_OF: Record<RejectReason, number> = {
  malformed_json: 400,
  wrong_type: 400,
  missing_field: 400,
  unsupported_version: 400,
  unknown_topic: 400,
  oversize: 413,
  unknown_device: 422,
  unbound_device: 422,
  unknown_decoder: 422,
  undecodable_payload: 422,
  foreign_device: 403,
  future_time: 422,
};
const PHRASES: Record<number, string> = {
  200: 'OK', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 503: 'Service Unavailable',
};

const error = (status: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): UplinkAnswer => ({
  status,
  ...(headers ? { headers } : {}),
  body: { statusCode: status, error: PHRASES[status] ?? 'Error', message, ...extra },
});

/**
 * The HTTP doors of the ingest: The Things Stack webhooks, ChirpStack's HTTP
 * integration, KPN Things and sensors that post their own readings. Each
 * request is checked (secret, rate, size, the integration's applications),
 * then handed to the same pipeline as an MQTT message, and answered only
 * once the pipeline has settled it: 200 when its reading is committed (or
 * was already stored: a retry), 4xx naming the reason when it is kept as
 * rejected, 503 when it could not be committed in time, so that the sender
 * tries again. A request refused before the pipeline (no or wrong secret,
 * over the rate) writes nothing: such requests are counted and logged.
 */
export class HttpIngestService {
  private readonly logger = new Logger(HttpIngestService.name);
  private readonly lastRefusalLog = new Map<string, number>();
  private readonly deadlines: AnswerDeadlines;
  private readonly timeoutAnswer: UplinkAnswer;

  constructor(
    private readonly pipeline: IngestPipeline,
    private readonly auth: UplinkAuth,
    private readonly integrationRate: RateLimiter,
    private readonly deviceRate: RateLimiter,
    private readonly clock: Clock,
    private readonly metrics: HttpIngestMetrics,
    private readonly options: HttpIngestOptions,
  ) {
    this.deadlines = new AnswerDeadlines(options.timeoutMs);
    this.timeoutAnswer = error(503, `not committed within ${options.timeoutMs / 1000} s; send it again (a reading stored meanwhile is not stored twice)`, {}, { 'Retry-After': '5' });
  }

  /**
   * The answer, counted by door and status; a promise when the request waits
   * for a commit (the message counts its own answer then: no callback per
   * request here) or for the registry.
   */
  handle(input: UplinkRequestInput): UplinkAnswer | Promise<UplinkAnswer> {
    const answer = this.answer(input);
    if (!(answer instanceof Promise)) this.metrics.count(input.route, answer.status);
    return answer;
  }

  /** The answer at once when it needs no commit, else its promise; no promise per step on the way. */
  private answer(input: UplinkRequestInput): UplinkAnswer | Promise<UplinkAnswer> {
    const { route, name } = input;
    if (this.pipeline.buffered >= this.options.maxBuffered) {
      return error(503, 'the ingest holds as many messages as it may; send again shortly', {}, { 'Retry-After': '1' });
    }
    const rate = (route === 'device' ? this.deviceRate : this.integrationRate).take(`${route}:${name}`);
    if (!rate.ok) {
      this.noteRefusal(input, 'rate', `over the rate limit, retry after ${rate.retryAfterS} s`);
      return error(429, `${route === 'device' ? 'device' : 'integration'} "${name}" sends faster than allowed (INGEST_HTTP_${route === 'device' ? 'DEVICE_RATE_PER_MIN' : 'RATE_PER_S'})`, {}, { 'Retry-After': String(rate.retryAfterS) });
    }
    const auth = this.auth.check(route, name, input.headers, input.body);
    if (!(auth instanceof Promise)) return this.admitted(input, auth);
    return auth.then((outcome) => {
      const answer = this.admitted(input, outcome);
      if (!(answer instanceof Promise)) this.metrics.count(route, answer.status);
      return answer;
    });
  }

  /** What follows the secret check: the body's checks, then the pipeline. */
  private admitted(input: UplinkRequestInput, auth: AuthOutcome): UplinkAnswer | Promise<UplinkAnswer> {
    const { route, name } = input;
    if (!auth.ok) {
      this.noteRefusal(input, 'auth', auth.detail);
      return error(auth.status, auth.detail, { field: 'headers' });
    }
    if (route === 'chirpstack' && input.event !== 'up') {
      // ChirpStack posts every event to one URL; only uplinks are readings, the rest is acknowledged and left.
      return { status: 204, body: {} };
    }

    const receivedAt = this.clock.now();
    const source = `${input.method} ${input.path}`;
    if (input.oversizeBytes !== undefined) {
      return this.submit(input, source, receivedAt, placeholderTopic(route, name), {
        reason: 'oversize',
        detail: `body is ${input.oversizeBytes > this.options.maxPayloadBytes + 1 ? `${input.oversizeBytes} bytes` : `more than ${this.options.maxPayloadBytes} bytes`}, the limit is ${this.options.maxPayloadBytes} (INGEST_MAX_PAYLOAD_BYTES)`,
      });
    }
    const contentType = String(input.headers['content-type'] ?? '');
    if (/protobuf|octet-stream/i.test(contentType)) {
      return this.submit(input, source, receivedAt, placeholderTopic(route, name), {
        reason: 'malformed_json',
        detail: `body is ${contentType}; set the integration's payload encoding to JSON`,
      });
    }
    const envelope = envelopeOf(route, name, input.body);
    if (!envelope.ok) return this.submit(input, source, receivedAt, envelope.topic, { reason: envelope.reason, detail: envelope.detail, deviceRef: envelope.deviceRef });
    const allowed = auth.sender.applications;
    if (allowed !== null && envelope.applicationId !== null && !allowed.includes(envelope.applicationId)) {
      return this.submit(input, source, receivedAt, envelope.topic, {
        reason: 'foreign_device',
        detail: `integration "${name}" delivers for application${allowed.length === 1 ? '' : 's'} ${allowed.map((a) => `"${a}"`).join(', ') || '(none)'}, not "${envelope.applicationId}"`,
        ...(envelope.deviceRef ? { deviceRef: envelope.deviceRef } : {}),
      });
    }
    return this.submit(input, source, receivedAt, envelope.topic);
  }

  /** Hands the message to the pipeline and waits for it to be settled, at most the configured time; the answer is counted when it comes. */
  private submit(input: UplinkRequestInput, source: string, receivedAt: Date, topic: string, refusal?: Refusal): Promise<UplinkAnswer> {
    return new Promise<UplinkAnswer>((resolve) => {
      const message = new HttpUplinkMessage(topic, source, input.body, receivedAt, resolve, this.deadlines, this.timeoutAnswer, this.metrics, input.route);
      if (input.oversizeBytes !== undefined) message.payloadSize = input.oversizeBytes;
      if (refusal) message.refusal = refusal;
      this.deadlines.add(message);
      this.pipeline.accept(message);
    });
  }

  /** A refusal before the pipeline writes nothing: logged at most once a minute per sender and kind. */
  private noteRefusal(input: UplinkRequestInput, kind: 'auth' | 'rate', detail: string): void {
    const key = `${kind}:${input.route}:${input.name}`;
    const nowMs = Date.now();
    if ((this.lastRefusalLog.get(key) ?? 0) > nowMs - 60_000) return;
    if (this.lastRefusalLog.size > 10_000) this.lastRefusalLog.clear();
    this.lastRefusalLog.set(key, nowMs);
    this.logger.warn({ msg: 'HTTP uplink refused', route: input.route, name: input.name, remote: input.headers['x-forwarded-for'] ?? null, detail });
  }
}

type Refusal = { reason: RejectReason; detail: string; deviceRef?: string };

/**
 * One HTTP uplink on its way through the pipeline: the message the pipeline
 * reads, and the request waiting for its commit (at most its deadline). One
 * object with its methods on the prototype, where an object literal with two
 * closures and a timer of its own per request cost more.
 */
class HttpUplinkMessage implements InboundMessage, AwaitingCommit {
  refusal?: Refusal;
  payloadSize?: number;
  deadlineMs = 0;
  answered = false;

  constructor(
    readonly topic: string,
    readonly brokerTopic: string,
    readonly payload: Buffer,
    readonly receivedAt: Date,
    private readonly resolve: (answer: UplinkAnswer) => void,
    private readonly deadlines: AnswerDeadlines,
    private readonly timeoutAnswer: UplinkAnswer,
    private readonly metrics: HttpIngestMetrics,
    private readonly route: UplinkRoute,
  ) {}

  /** The sender is answered from settled(), which follows at once. */
  ack(): void {}

  settled(outcome: MessageOutcome): void {
    if (this.answered) return;
    this.answered = true;
    this.deadlines.answered();
    this.answer(outcome.stored ? STORED_ANSWER : error(STATUS_OF[outcome.reason] ?? 400, outcome.detail, { reason: outcome.reason, field: 'body' }));
  }

  timedOut(): void {
    this.answered = true;
    this.answer(this.timeoutAnswer);
  }

  private answer(answer: UplinkAnswer): void {
    this.metrics.count(this.route, answer.status);
    this.resolve(answer);
  }
}

/** A topic of the route's format for a message refused before its body was read. */
function placeholderTopic(route: UplinkRoute, name: string): string {
  return envelopeOf(route, name, Buffer.alloc(0)).topic;
}
