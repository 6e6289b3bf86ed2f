// The pod page's terminal: an xterm.js terminal in the given element that passes keystrokes and its size to
// .NET (the Terminal component, through the Blazor circuit) and shows what .NET writes.
import { Terminal } from './lib/xterm/xterm/xterm.mjs';
import { FitAddon } from './lib/xterm/addon-fit/addon-fit.mjs';

const stylesheet = new URL('./lib/xterm/xterm/xterm.css', import.meta.url).href;

// Input goes to .NET in pieces well under SignalR's message limit (32 KB by default), so a large paste does
// not break the circuit; the component refuses longer pieces.
const maxInputChars = 4096;

function loadStylesheet() {
    if (document.querySelector(`link[data-terminal-stylesheet]`)) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = stylesheet;
    link.dataset.terminalStylesheet = '';
    document.head.appendChild(link);
}

export function open(element, component) {
    loadStylesheet();
    const terminal = new Terminal({
        cursorBlink: true,
        scrollback: 5000,
        fontSize: 13,
        fontFamily: 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace',
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);

    // One call at a time, in order: keystrokes must not overtake each other, and a slow circuit slows typing
    // instead of piling up calls.
    let pending = Promise.resolve();
    let closed = false;
    const call = (method, ...args) => {
        pending = pending.then(() => closed ? undefined : component.invokeMethodAsync(method, ...args)).catch(() => { });
    };
    const sendInPieces = (method, data) => {
        for (let i = 0; i < data.length; i += maxInputChars) call(method, data.slice(i, i + maxInputChars));
    };
    terminal.onData(data => sendInPieces('Input', data));
    // Some mouse reports are raw bytes, one per character.
    terminal.onBinary(data => sendInPieces('BinaryInput', data));
    terminal.onResize(size => call('Resized', size.cols, size.rows));

    // The terminal follows its element's size (window resizes, the drawer opening).
    const refit = () => {
        if (closed || element.clientWidth === 0 || element.clientHeight === 0) return;
        fit.fit();
    };
    const observer = new ResizeObserver(refit);
    observer.observe(element);
    refit();
    call('Resized', terminal.cols, terminal.rows);
    terminal.focus();

    return {
        // Resolves once xterm.js has processed the data: .NET awaits it before reading more output.
        write: data => new Promise(resolve => terminal.write(data, resolve)),
        reset: () => terminal.reset(),
        focus: () => terminal.focus(),
        dispose: () => {
            closed = true;
            observer.disconnect();
            terminal.dispose();
        },
    };
}
