/**
 * The connection manager: one WebSocket to /ws, authenticated with a ticket, resumed with cursors.
 *
 *   const connection = createConnection({
 *     fetchTicket: async () => (await api.post("/api/v1/auth/ws-ticket")).ticket,
 *     getCursors: () => syncCursors(store.getState()),
 *     onFrame: (frame) => store.dispatch(frame),
 *     onStatus: (status) => ...,          // "connecting" | "live" | "reconnecting" | "idle"
 *     onAuthLost: () => ...,              // the ticket request said 401: signed out
 *   });
 *   connection.start();
 *   connection.send({ type: "send", ... })   // false when not live: queue it instead
 *
 * See docs/protocol.md: auth frame, hello, sync with cursors, synced, coalesced frames
 * ("\n"-separated), heartbeats, close codes. Reconnects with exponential backoff and jitter.
 */

export function splitFrames(data) {
  const frames = [];
  for (const line of String(data).split("\n")) {
    if (!line.trim()) continue;
    try {
      frames.push(JSON.parse(line));
    } catch {
      // A frame we cannot parse is skipped; the rest of the batch still applies.
    }
  }
  return frames;
}

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(attempt, random = Math.random, base = 500, cap = 15000) {
  const ceiling = Math.min(cap, base * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function createConnection({
  fetchTicket,
  getCursors,
  onFrame,
  onStatus,
  onAuthLost,
  url = defaultUrl(),
  win = globalThis,
  WebSocketImpl = globalThis.WebSocket,
}) {
  let ws = null;
  let status = "idle";
  let attempt = 0;
  let everLive = false;
  let stopped = true;
  let retryTimer = null;
  let heartbeatTimer = null;
  let authTimer = null;
  let lastHeard = 0;
  let syncRef = 0;
  let generation = 0;

  function setStatus(next) {
    if (status === next) return;
    status = next;
    onStatus?.(next);
  }

  function clearTimers() {
    clearTimeout(retryTimer);
    clearInterval(heartbeatTimer);
    retryTimer = null;
    heartbeatTimer = null;
  }

  async function connect() {
    clearTimers();
    if (stopped) return;
    const mine = ++generation;
    setStatus(everLive ? "reconnecting" : "connecting");
    let ticket;
    try {
      ticket = await fetchTicket();
    } catch (error) {
      if (mine !== generation) return;
      if (error && error.status === 401) {
        stop();
        onAuthLost?.();
        return;
      }
      scheduleRetry();
      return;
    }
    if (stopped || mine !== generation) return;
    const socket = new WebSocketImpl(url);
    ws = socket;
    // Same-origin, the session cookie authenticates the handshake and `hello` comes at once;
    // the ticket is sent only if it does not (a browser that withholds the cookie).
    socket.onopen = () => {
      authTimer = setTimeout(() => {
        if (socket === ws && socket.readyState === 1) {
          socket.send(JSON.stringify({ type: "auth", ticket, ref: "auth" }));
        }
      }, 1000);
    };
    socket.onmessage = (event) => {
      if (socket !== ws) return;
      lastHeard = Date.now();
      for (const frame of splitFrames(event.data)) handle(socket, frame);
    };
    socket.onclose = () => {
      if (socket !== ws) return;
      ws = null;
      clearInterval(heartbeatTimer);
      if (!stopped) scheduleRetry();
    };
    socket.onerror = () => {};
  }

  function handle(socket, frame) {
    if (frame.type === "hello") {
      clearTimeout(authTimer);
      const seconds = Math.max(5, Number(frame.heartbeat_seconds) || 25);
      clearInterval(heartbeatTimer);
      heartbeatTimer = setInterval(() => heartbeat(socket, seconds), seconds * 1000);
      onFrame(frame);
      syncRef += 1;
      socket.send(JSON.stringify({ type: "sync", cursors: getCursors(), ref: `sync-${syncRef}` }));
      return;
    }
    if (frame.type === "synced") {
      onFrame(frame);
      attempt = 0;
      everLive = true;
      setStatus("live");
      return;
    }
    if (frame.type === "pong") return;
    // A ticket that crossed a late `hello` is answered with an error; the connection is fine.
    if (frame.type === "error" && frame.ref === "auth") return;
    onFrame(frame);
  }

  function heartbeat(socket, seconds) {
    if (socket !== ws) return;
    if (Date.now() - lastHeard > seconds * 2000 + 5000) {
      // Nothing heard for two beats: the connection is dead even if the browser has not noticed.
      drop();
      return;
    }
    try {
      socket.send(JSON.stringify({ type: "ping" }));
    } catch {
      drop();
    }
  }

  function drop() {
    generation += 1;
    const socket = ws;
    ws = null;
    clearInterval(heartbeatTimer);
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  function scheduleRetry() {
    if (stopped) return;
    setStatus(everLive ? "reconnecting" : "connecting");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, backoffDelay(attempt));
    attempt += 1;
  }

  function onOffline() {
    if (stopped) return;
    drop();
    scheduleRetry();
  }

  function onOnline() {
    if (stopped) return;
    attempt = 0;
    if (!ws) connect();
  }

  function start() {
    if (!stopped) return;
    stopped = false;
    win.addEventListener?.("offline", onOffline);
    win.addEventListener?.("online", onOnline);
    connect();
  }

  function stop() {
    stopped = true;
    clearTimers();
    drop();
    win.removeEventListener?.("offline", onOffline);
    win.removeEventListener?.("online", onOnline);
    everLive = false;
    setStatus("idle");
  }

  return {
    start,
    stop,
    get status() {
      return status;
    },
    /** Send a frame now; false when the connection is not live (the caller queues it). */
    send(frame) {
      if (status !== "live" || !ws || ws.readyState !== 1) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    /** Drop the socket and reconnect at once (used by tests and the "retry now" button). */
    reconnectNow() {
      drop();
      attempt = 0;
      connect();
    },
  };
}

function defaultUrl() {
  if (typeof location === "undefined") return "ws://127.0.0.1/ws";
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}
