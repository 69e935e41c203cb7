// Output of nats-server and Postgres goes to files under HRM_DATA_DIR/logs,
// not the console; the last lines are kept to explain a failure to start.
import fs from 'node:fs';
import path from 'node:path';

export class LogFile {
  private readonly stream: fs.WriteStream;
  private readonly recent: string[] = [];

  constructor(
    readonly file: string,
    private readonly keep = 30,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.stream = fs.createWriteStream(file, { flags: 'a' });
    this.stream.on('error', () => undefined);
  }

  /** Takes one or several lines (Postgres hands over whole chunks). */
  readonly write = (text: string): void => {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.stream.write(line + '\n');
      this.recent.push(line);
      if (this.recent.length > this.keep) this.recent.shift();
    }
  };

  lastLines(): string[] {
    return [...this.recent];
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}
