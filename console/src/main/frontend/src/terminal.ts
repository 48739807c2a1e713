// The terminal of a shell in a container: xterm.js (bundled, no CDN) on the API's exec WebSocket,
// the one kubectl exec uses, speaking its channel protocol (v5.channel.k8s.io, or v4): each binary
// message is a channel byte and its data, 0 stdin, 1 stdout, 2 stderr, 3 the command's final
// Status, 4 the terminal's size, 255 (v5) the end of a stream. Loaded only when a shell is opened,
// so the console's first visit does not download it.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { allowScriptMadeStyles } from './cspStyles';
import type { Status } from './api';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;
const CLOSE = 255;

/** The subprotocol a browser carries its bearer token in (it cannot set an Authorization header). */
export function tokenProtocol(token: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(token)) binary += String.fromCharCode(byte);
  return 'base64url.bearer.authorization.k8s.io.' + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** How a session ended: the command's exit status, or the API's words why it could not run (drew: whether it wrote anything first). */
export type Ending = { exitCode: number } | { error: string; drew: boolean };

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  token: string;
}

/** The exit status in an exec's final Status: 0 on Success, the ExitCode cause on NonZeroExitCode. */
export function exitCodeOf(status: Status & { status?: string }): number | null {
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    return Number.isInteger(code) ? code : null;
  }
  return null;
}

/** One exec session drawn in an element; {@link dispose} ends it (closing the WebSocket). */
export class ExecTerminal {
  private readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly socket: WebSocket;
  private readonly observer: ResizeObserver;
  private ended = false;
  private opened = false;
  private drew = false;

  constructor(element: HTMLElement, request: ExecRequest, private readonly onEnd: (ending: Ending) => void,
    onOpen: () => void) {
    allowScriptMadeStyles();
    this.terminal = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: { background: '#0f1623', foreground: '#d8e1ee' },
    });
    this.terminal.loadAddon(this.fit);
    this.terminal.open(element);
    this.fit.fit();

    const query = new URLSearchParams({ container: request.container });
    for (const part of request.command) query.append('command', part);
    // a terminal merges stderr into stdout, as kubectl exec -t asks
    query.set('stdin', 'true');
    query.set('stdout', 'true');
    query.set('stderr', 'false');
    query.set('tty', 'true');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const path = `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/exec`;
    this.socket = new WebSocket(`${scheme}//${location.host}${path}?${query}`,
      ['v5.channel.k8s.io', 'v4.channel.k8s.io', tokenProtocol(request.token)]);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      this.opened = true;
      this.sendSize();
      this.terminal.focus();
      onOpen();
    };
    this.socket.onmessage = (event) => this.received(event.data);
    this.socket.onclose = (event) => {
      this.end(this.opened
        ? { error: `The connection closed before the command ended${event.reason ? `: ${event.reason}` : ''} (code ${event.code}).`, drew: this.drew }
        : { error: 'The API refused the connection.', drew: false });
    };

    const encoder = new TextEncoder();
    this.terminal.onData((data) => this.send(STDIN, encoder.encode(data)));
    this.terminal.onBinary((data) => this.send(STDIN, Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    this.terminal.onResize(() => this.sendSize());
    this.observer = new ResizeObserver(() => {
      if (element.clientWidth > 0) this.fit.fit();
    });
    this.observer.observe(element);
  }

  /** The terminal's text, row by row (for a reader, and the tests). */
  text(): string {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').trimEnd();
  }

  focus(): void {
    this.terminal.focus();
  }

  /** Ends the session: stdin closed (v5), the WebSocket closed, the terminal removed. */
  dispose(): void {
    this.ended = true;
    this.observer.disconnect();
    if (this.socket.readyState === WebSocket.OPEN) {
      if (this.socket.protocol === 'v5.channel.k8s.io') this.send(CLOSE, Uint8Array.of(STDIN));
      this.socket.close(1000);
    } else if (this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close();
    }
    this.terminal.dispose();
  }

  private received(data: unknown): void {
    if (!(data instanceof ArrayBuffer) || data.byteLength === 0) return;
    const bytes = new Uint8Array(data);
    const payload = bytes.subarray(1);
    switch (bytes[0]) {
      case STDOUT:
      case STDERR:
        this.drew ||= payload.length > 0;
        this.terminal.write(payload);
        break;
      case STATUS: {
        let status: Status & { status?: string };
        try {
          status = JSON.parse(new TextDecoder().decode(payload));
        } catch {
          this.end({ error: new TextDecoder().decode(payload), drew: this.drew });
          return;
        }
        const code = exitCodeOf(status);
        this.end(code === null ? { error: status.message ?? 'The command failed.', drew: this.drew } : { exitCode: code });
        break;
      }
      default:
        break;
    }
  }

  private end(ending: Ending): void {
    if (this.ended) return;
    this.ended = true;
    if ('exitCode' in ending) {
      this.terminal.write(`\r\n\x1b[2m[exited with status ${ending.exitCode}]\x1b[0m\r\n`);
    }
    this.terminal.options.cursorBlink = false;
    this.onEnd(ending);
  }

  private sendSize(): void {
    this.send(RESIZE, new TextEncoder().encode(JSON.stringify({ Width: this.terminal.cols, Height: this.terminal.rows })));
  }

  private send(channel: number, data: Uint8Array): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const message = new Uint8Array(data.length + 1);
    message[0] = channel;
    message.set(data, 1);
    this.socket.send(message);
  }
}
