// /stats is computed at most once per period whatever the request rate: building it walks every
// room and host, and at a thousand clients a request flood would otherwise take the event loop
// from the rooms. The JSON text is kept and served until it is a period old.

export class CachedJson {
  private text: Buffer | null = null;
  private madeAt = 0;

  constructor(
    private readonly build: () => unknown,
    private readonly periodMs: number,
    /** Called on every computation (the relay counts them in http.statsRenders). */
    private readonly onRender: () => void,
    private readonly pretty: boolean,
  ) {}

  get(now: number): Buffer {
    if (this.text === null || now - this.madeAt >= this.periodMs) {
      this.onRender();
      const value = this.build();
      this.text = Buffer.from(this.pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
      this.madeAt = now;
    }
    return this.text;
  }
}
