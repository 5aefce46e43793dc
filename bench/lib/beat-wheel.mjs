/**
 * The beat schedule of one worker's instances: a wheel of 10 ms slots spanning one beat interval, each slot
 * holding the instances due in it, plus a FIFO of due beats. An instance is never queued twice, so a generator
 * that falls behind shows up as `skipped` beats and growing lateness instead of an unbounded queue.
 */
export class BeatWheel {
  static SLOT_MS = 10;

  constructor(size, intervalMs, epoch) {
    this.slots = Math.max(1, Math.round(intervalMs / BeatWheel.SLOT_MS));
    this.wheel = Array.from({ length: this.slots }, () => []);
    this.epoch = epoch;
    this.lastSlot = this.slotAt(epoch);
    this.queued = new Uint8Array(size);
    this.ring = new Int32Array(size + 1);
    this.ringDue = new Float64Array(size + 1);
    this.head = 0;
    this.tail = 0;
    this.skipped = 0;
  }

  slotAt(time) {
    return Math.floor((time - this.epoch) / BeatWheel.SLOT_MS);
  }

  /** First beat one interval after `time` (a registration), or in slot `slot` when given. */
  add(local, time, slot = this.slotAt(time)) {
    this.wheel[((slot % this.slots) + this.slots) % this.slots].push(local);
  }

  get length() {
    return (this.tail - this.head + this.ring.length) % this.ring.length;
  }

  /** Moves every slot that came due up to `now` into the queue; returns how many beats were queued. */
  advance(now) {
    const current = this.slotAt(now);
    let from = this.lastSlot + 1;
    if (current - from >= this.slots) from = current - this.slots + 1; // a stall longer than a period: one round
    let added = 0;
    for (let s = from; s <= current; s++) {
      const due = this.epoch + s * BeatWheel.SLOT_MS;
      for (const local of this.wheel[s % this.slots]) {
        if (this.queued[local]) {
          this.skipped++;
          continue;
        }
        this.queued[local] = 1;
        this.ring[this.tail] = local;
        this.ringDue[this.tail] = due;
        this.tail = (this.tail + 1) % this.ring.length;
        added++;
      }
    }
    this.lastSlot = Math.max(this.lastSlot, current);
    return added;
  }

  /** The next due beat as [local, dueAt], or undefined when none is due. */
  take() {
    if (this.head === this.tail) return undefined;
    const local = this.ring[this.head];
    const due = this.ringDue[this.head];
    this.head = (this.head + 1) % this.ring.length;
    this.queued[local] = 0;
    return [local, due];
  }
}
