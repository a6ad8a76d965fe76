/** Cuts a byte stream into lines, keeping a partial last line until more arrives or the stream ends. */
export class LineSplitter {
  private rest = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.rest += this.decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = this.rest.indexOf('\n')) >= 0) {
      this.onLine(this.rest.slice(0, nl).replace(/\r$/, ''));
      this.rest = this.rest.slice(nl + 1);
    }
  }

  end(): void {
    this.rest += this.decoder.decode();
    if (this.rest !== '') this.onLine(this.rest.replace(/\r$/, ''));
    this.rest = '';
  }
}
