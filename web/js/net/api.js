/**
 * The HTTP API client: JSON in and out, the session cookie, and one error type.
 *
 *   import { api, ApiError } from "./net/api.js";
 *   const { channels } = await api.get("/api/v1/channels");
 *   try { await api.post("/api/v1/auth/sign-in", { username, password }); }
 *   catch (e) { if (e instanceof ApiError) show(e.message, e.code, e.details); }
 */

/** The server's `{"error": {code, message, details}}`, or a network failure (code "network"). */
export class ApiError extends Error {
  constructor(status, code, message, details = {}, retryAfter = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details || {};
    this.retryAfter = retryAfter;
  }
}

async function request(method, path, body, file = null) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (file) {
    // A file goes as the raw body with its own type (POST /api/v1/files), not as JSON.
    init.headers["Content-Type"] = file.type || "application/octet-stream";
    init.body = file;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, "network", error.message || "network error");
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = data?.error ? data.error : {};
    const retry =
      Number(response.headers.get("Retry-After")) || err.details?.retry_after_seconds || null;
    throw new ApiError(
      response.status,
      err.code || `http_${response.status}`,
      err.message || response.statusText,
      err.details,
      retry,
    );
  }
  return data;
}

function query(params) {
  const entries = Object.entries(params || {}).filter(
    ([, v]) => v !== undefined && v !== null && v !== "",
  );
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : "";
}

export const api = {
  get: (path, params) => request("GET", path + query(params)),
  post: (path, body = {}) => request("POST", path, body),
  put: (path, body = {}) => request("PUT", path, body),
  patch: (path, body = {}) => request("PATCH", path, body),
  del: (path) => request("DELETE", path),
  /** Upload a File or Blob: `await api.upload("/api/v1/files", { name: file.name }, file)`. */
  upload: (path, params, file) => request("POST", path + query(params), undefined, file),
};
