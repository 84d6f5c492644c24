// Copyright 2026 the pysocket authors. MIT license.
// Python's SSLSession: a TLS session a client can resume, as the engine
// hands it out (OpenSSL's and BoringSSL's DER encoding of SSL_SESSION),
// with the fields CPython reads of it.

/** A token only this package holds: SSLSession has no public constructor, as in Python. */
export const SESSION_KEY: unique symbol = Symbol("pysocket.SSLSession");

/** The fields CPython's SSLSession shows, read from the engine's encoding where it has them. */
interface Fields {
  id: Uint8Array<ArrayBuffer>;
  time: number;
  timeout: number;
  ticketLifetimeHint: number;
  hasTicket: boolean;
}

/** One DER element: tag and contents. */
function elements(der: Uint8Array, start: number, end: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let at = start; at < end;) {
    const tag = der[at];
    let len = der[at + 1];
    let body = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[body + i];
      body += n;
    }
    if (body + len > end) throw new RangeError("truncated session");
    out.push([tag, body, body + len]);
    at = body + len;
  }
  return out;
}

function integer(der: Uint8Array, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * 256 + der[i];
  return v;
}

/**
 * The fields of an SSL_SESSION in OpenSSL's (or BoringSSL's) DER form:
 * `SEQUENCE { version, ssl_version, cipher, session_id, master_key,
 * [1] time, [2] timeout, …, [9] ticket_lifetime_hint, [10] ticket, … }`;
 * `null` for another encoding.
 */
function parse(data: Uint8Array): Fields | null {
  try {
    const [[tag, start, end]] = elements(data, 0, data.length);
    if (tag !== 0x30) return null;
    const parts = elements(data, start, end);
    const fields: Fields = {
      id: data.slice(parts[3][1], parts[3][2]),
      time: 0,
      timeout: 0,
      ticketLifetimeHint: 0,
      hasTicket: false,
    };
    for (const [t, s, e] of parts.slice(5)) {
      const inner = () => {
        const [[, is, ie]] = elements(data, s, e);
        return integer(data, is, ie);
      };
      if (t === 0xa1) fields.time = inner();
      else if (t === 0xa2) fields.timeout = inner();
      else if (t === 0xa9) fields.ticketLifetimeHint = inner();
      else if (t === 0xaa) fields.hasTicket = e > s;
    }
    return fields;
  } catch {
    return null;
  }
}

/**
 * Python's `ssl.SSLSession`: a TLS session an earlier connection agreed
 * on, which a client may resume (`wrap_socket(sock, { session })`, or the
 * socket's `session` setter before it connects). Read it from an
 * {@linkcode SSLSocket}'s `session` after the handshake; there is no public
 * constructor, as in Python.
 *
 * @example
 * ```ts ignore
 * const first = await ctx.wrap_socket(await socket.create_connection(addr), { server_hostname: host });
 * const session = first.session;
 * first.close();
 * const again = await ctx.wrap_socket(await socket.create_connection(addr), { server_hostname: host, session });
 * console.log(again.session_reused); // true
 * ```
 */
export class SSLSession {
  readonly #data: Uint8Array<ArrayBuffer>;
  readonly #context: object;
  readonly #fields: Fields;

  /**
   * Not for use: sessions come from `SSLSocket.session`.
   *
   * @param key The package's token.
   * @param data The engine's encoding of the session.
   * @param context The context whose connection made it.
   * @throws {TypeError} always, called from outside the package.
   *
   * @example
   * ```ts
   * import * as ssl from "@pysocket/socket/ssl";
   * try {
   *   new (ssl.SSLSession as unknown as new () => unknown)();
   * } catch (e) {
   *   console.log(e instanceof TypeError); // true
   * }
   * ```
   */
  constructor(key: typeof SESSION_KEY, data: Uint8Array, context: object) {
    if (key !== SESSION_KEY) {
      throw new TypeError("cannot create 'SSLSession' instances");
    }
    this.#data = new Uint8Array(data);
    this.#context = context;
    this.#fields = parse(this.#data) ?? {
      // An engine that hands out an encoding of its own: what it is is its id.
      id: this.#data,
      time: Math.floor(Date.now() / 1000),
      timeout: 7200,
      ticketLifetimeHint: 0,
      hasTicket: false,
    };
  }

  /** @ignore The engine's encoding of the session, to resume it. */
  get _data(): Uint8Array<ArrayBuffer> {
    return this.#data;
  }

  /** @ignore The context whose connection made it. */
  get _context(): object {
    return this.#context;
  }

  /**
   * The session id (bytes).
   *
   * @example
   * ```ts ignore
   * console.log(tls.session?.id.length); // 32
   * ```
   */
  get id(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.#fields.id);
  }

  /**
   * When the session was made, in seconds since the epoch.
   *
   * @example
   * ```ts ignore
   * console.log(tls.session!.time <= Date.now() / 1000); // true
   * ```
   */
  get time(): number {
    return this.#fields.time;
  }

  /**
   * How long the session stays valid, in seconds.
   *
   * @example
   * ```ts ignore
   * console.log(tls.session!.timeout); // 7200
   * ```
   */
  get timeout(): number {
    return this.#fields.timeout;
  }

  /**
   * The lifetime the server gave its session ticket, in seconds.
   *
   * @example
   * ```ts ignore
   * console.log(tls.session!.ticket_lifetime_hint); // 7200
   * ```
   */
  get ticket_lifetime_hint(): number {
    return this.#fields.ticketLifetimeHint;
  }

  /**
   * Whether the session carries a session ticket.
   *
   * @example
   * ```ts ignore
   * console.log(tls.session!.has_ticket); // true
   * ```
   */
  get has_ticket(): boolean {
    return this.#fields.hasTicket;
  }

  /**
   * Python's `==` of sessions: the same session id.
   *
   * @param other Another session.
   * @returns Whether the two are the same session.
   *
   * @example
   * ```ts ignore
   * console.log(again.session!.equals(first.session!)); // true
   * ```
   */
  equals(other: SSLSession): boolean {
    const a = this.#fields.id, b = other.#fields.id;
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
}
