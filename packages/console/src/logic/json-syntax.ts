/**
 * Where a JSON text goes wrong. JSON.parse gives the verdict (config-syntax.ts) but its messages differ between
 * engines and often lack a position, so this small scanner walks the grammar (RFC 8259) to find the first
 * offending character and say what was expected there.
 */

export interface JsonFault {
  offset: number;
  reason: string;
}

export function findJsonFault(text: string): JsonFault | undefined {
  const s = new Scanner(text);
  try {
    s.ws();
    s.value();
    s.ws();
    if (!s.done()) s.fail(`unexpected ${s.shown()} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (e instanceof FaultAt) return { offset: e.offset, reason: e.message };
    throw e;
  }
}

class FaultAt extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class Scanner {
  private i = 0;
  constructor(private readonly t: string) {}

  done(): boolean {
    return this.i >= this.t.length;
  }

  shown(): string {
    return this.done() ? 'end of text' : `'${this.t[this.i]}'`;
  }

  fail(reason: string): never {
    throw new FaultAt(this.i, reason);
  }

  ws(): void {
    while (!this.done() && WS.has(this.t[this.i])) this.i++;
  }

  value(): void {
    const c = this.t[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.t.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    if (c === "'") this.fail('strings take double quotes in JSON');
    this.fail(`expected a value, found ${this.shown()}`);
  }

  private object(): void {
    this.i++;
    this.ws();
    if (this.t[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.t[this.i] !== '"') this.fail(this.t[this.i] === '}' ? 'trailing comma before }' : `expected a property name in double quotes, found ${this.shown()}`);
      this.string();
      this.ws();
      if (this.t[this.i] !== ':') this.fail(`expected ':' after the property name, found ${this.shown()}`);
      this.i++;
      this.ws();
      this.value();
      this.ws();
      if (this.t[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.t[this.i] === '}') {
        this.i++;
        return;
      }
      this.fail(`expected ',' or '}' after a property, found ${this.shown()}`);
    }
  }

  private array(): void {
    this.i++;
    this.ws();
    if (this.t[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.t[this.i] === ']') this.fail('trailing comma before ]');
      this.value();
      this.ws();
      if (this.t[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.t[this.i] === ']') {
        this.i++;
        return;
      }
      this.fail(`expected ',' or ']' after an element, found ${this.shown()}`);
    }
  }

  private string(): void {
    this.i++;
    while (!this.done()) {
      const c = this.t[this.i];
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        const e = this.t[this.i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.t.slice(this.i + 2, this.i + 6))) this.i += 6;
        else if (e !== undefined && ESCAPES.has(e)) this.i += 2;
        else this.fail('invalid escape in a string');
        continue;
      }
      if (c < ' ') this.fail(c === '\n' ? 'string not closed before the end of the line' : 'control character in a string');
      this.i++;
    }
    this.fail('string not closed');
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.t.slice(this.i));
    if (!m || m[0] === '-') this.fail('invalid number');
    this.i += m[0].length;
  }
}
