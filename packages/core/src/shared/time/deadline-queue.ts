/**
 * A binary min-heap of deadlines. Entries are never removed early: the owner checks on pop whether the
 * entry is still current (lazy deletion), which keeps a beat O(1) instead of a heap update per beat.
 * Entries due at the same time pop in the order they were pushed, so the journal reads the same on every run.
 * The heap is kept in parallel arrays (deadline, push order, item, owner) rather than an object per entry: a
 * million pending deadlines then cost about 32 bytes each.
 */
export interface Deadline<T, O = undefined> {
  at: number;
  item: T;
  /** What the entry was pushed with besides its item (e.g. the service of an instance). */
  owner: O;
}

export class DeadlineQueue<T, O = undefined> {
  private readonly ats: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private readonly owners: O[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.ats.length;
  }

  peekAt(): number | undefined {
    return this.ats.length === 0 ? undefined : this.ats[0];
  }

  push(at: number, item: T, owner: O = undefined as O): void {
    const seq = this.nextSeq++;
    let i = this.ats.length;
    this.ats.push(at);
    this.seqs.push(seq);
    this.items.push(item);
    this.owners.push(owner);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.earlier(at, seq, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, at, seq, item, owner);
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): Deadline<T, O> | undefined {
    const n = this.ats.length;
    if (n === 0 || this.ats[0] > now) return undefined;
    const top: Deadline<T, O> = { at: this.ats[0], item: this.items[0], owner: this.owners[0] };
    const at = this.ats.pop()!;
    const seq = this.seqs.pop()!;
    const item = this.items.pop()!;
    const owner = this.owners.pop()!;
    const size = n - 1;
    if (size > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && this.before(r, l) ? r : l;
        if (!this.earlierThan(m, at, seq)) break;
        this.move(m, i);
        i = m;
      }
      this.place(i, at, seq, item, owner);
    }
    return top;
  }

  /** Entry `i` is due before entry `j`. */
  private before(i: number, j: number): boolean {
    return this.ats[i] < this.ats[j] || (this.ats[i] === this.ats[j] && this.seqs[i] < this.seqs[j]);
  }

  /** (at, seq) is due before entry `j`. */
  private earlier(at: number, seq: number, j: number): boolean {
    return at < this.ats[j] || (at === this.ats[j] && seq < this.seqs[j]);
  }

  /** Entry `i` is due before (at, seq). */
  private earlierThan(i: number, at: number, seq: number): boolean {
    return this.ats[i] < at || (this.ats[i] === at && this.seqs[i] < seq);
  }

  private move(from: number, to: number): void {
    this.ats[to] = this.ats[from];
    this.seqs[to] = this.seqs[from];
    this.items[to] = this.items[from];
    this.owners[to] = this.owners[from];
  }

  private place(i: number, at: number, seq: number, item: T, owner: O): void {
    this.ats[i] = at;
    this.seqs[i] = seq;
    this.items[i] = item;
    this.owners[i] = owner;
  }
}
