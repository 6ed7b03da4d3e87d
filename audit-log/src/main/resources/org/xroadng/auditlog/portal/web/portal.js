// The citizen portal page: OpenID Connect implicit-flow sign-in (state and nonce kept in
// sessionStorage), then the citizen's access records from /api/v1/events. Everything shown is put
// in text nodes; nothing from the server or the URL is ever parsed as HTML.
"use strict";

(function () {
  const KEY_TOKEN = "portal.idToken";
  const KEY_STATE = "portal.state";
  const KEY_NONCE = "portal.nonce";

  const $ = (id) => document.getElementById(id);

  function randomText() {
    const bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function showMessage(text) {
    const box = $("message");
    box.textContent = text;
    box.hidden = !text;
  }

  function claimsOf(token) {
    const part = token.split(".")[1] || "";
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    const json = decodeURIComponent(Array.from(atob(padded),
      (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
    return JSON.parse(json);
  }

  // Reads #id_token=...&state=... after the identity provider sent the citizen back.
  function takeTokenFromFragment() {
    if (!location.hash || location.hash.length < 2) {
      return;
    }
    const params = new URLSearchParams(location.hash.substring(1));
    history.replaceState(null, "", location.pathname + location.search);
    if (params.has("error")) {
      showMessage("Sign-in failed: " + params.get("error") + " " + (params.get("error_description") || ""));
      return;
    }
    const token = params.get("id_token");
    if (!token) {
      return;
    }
    const expectedState = sessionStorage.getItem(KEY_STATE);
    const expectedNonce = sessionStorage.getItem(KEY_NONCE);
    sessionStorage.removeItem(KEY_STATE);
    sessionStorage.removeItem(KEY_NONCE);
    if (!expectedState || params.get("state") !== expectedState) {
      showMessage("Sign-in refused: the answer does not belong to a sign-in started on this page. Sign in again.");
      return;
    }
    let claims;
    try {
      claims = claimsOf(token);
    } catch (e) {
      showMessage("Sign-in refused: the identity provider sent a token that cannot be read.");
      return;
    }
    if (!expectedNonce || claims.nonce !== expectedNonce) {
      showMessage("Sign-in refused: the token was not issued for this sign-in (nonce differs). Sign in again.");
      return;
    }
    sessionStorage.setItem(KEY_TOKEN, token);
  }

  async function signIn() {
    showMessage("");
    let login;
    try {
      const response = await fetch("/api/v1/login", { headers: { Accept: "application/json" } });
      login = await response.json();
      if (!response.ok) {
        showMessage("Sign-in is not available right now: " + (login.message || response.status));
        return;
      }
    } catch (e) {
      showMessage("Sign-in is not available right now: the portal cannot be reached.");
      return;
    }
    const state = randomText();
    const nonce = randomText();
    sessionStorage.setItem(KEY_STATE, state);
    sessionStorage.setItem(KEY_NONCE, nonce);
    const url = new URL(login.authorizationEndpoint);
    url.searchParams.set("client_id", login.clientId);
    url.searchParams.set("redirect_uri", login.redirectUri);
    url.searchParams.set("response_type", "id_token");
    url.searchParams.set("scope", "openid");
    url.searchParams.set("state", state);
    url.searchParams.set("nonce", nonce);
    location.assign(url.toString());
  }

  function signOut() {
    sessionStorage.removeItem(KEY_TOKEN);
    showSignedOut();
  }

  function showSignedOut() {
    $("sign-in").hidden = false;
    $("sign-out").hidden = true;
    $("signed-in-as").hidden = true;
    $("events").hidden = true;
    $("empty").hidden = true;
    $("partial").hidden = true;
    $("problems").hidden = true;
    $("loading").hidden = true;
  }

  function cell(row, main, sub) {
    const td = document.createElement("td");
    td.appendChild(document.createTextNode(main));
    if (sub) {
      const span = document.createElement("span");
      span.className = "sub";
      span.textContent = sub;
      td.appendChild(span);
    }
    row.appendChild(td);
    return td;
  }

  function markCell(row, ok, okText, badText, reasons) {
    const td = document.createElement("td");
    const mark = document.createElement("span");
    mark.className = "mark " + (ok ? "ok" : "bad");
    mark.textContent = ok ? "\u2713 " + okText : "\u2717 " + badText;
    td.appendChild(mark);
    for (const reason of reasons || []) {
      const span = document.createElement("span");
      span.className = "sub";
      span.textContent = reason;
      td.appendChild(span);
    }
    row.appendChild(td);
  }

  function render(answer) {
    $("signed-in-as").textContent = "Signed in as " + answer.subject;
    $("signed-in-as").hidden = false;
    const list = $("unreachable");
    list.replaceChildren();
    for (const item of answer.unreachableReasons || answer.unreachable.map((s) => ({ server: s, reason: "" }))) {
      const li = document.createElement("li");
      li.textContent = item.server + (item.reason ? " \u2014 " + item.reason : "");
      list.appendChild(li);
    }
    $("partial").hidden = answer.unreachable.length === 0;
    const problems = $("problem-list");
    problems.replaceChildren();
    for (const text of answer.problems || []) {
      const li = document.createElement("li");
      li.textContent = text;
      problems.appendChild(li);
    }
    $("problems").hidden = problems.children.length === 0;
    const rows = $("rows");
    rows.replaceChildren();
    for (const e of answer.events) {
      const tr = document.createElement("tr");
      cell(tr, new Date(e.time).toLocaleString(), e.time);
      cell(tr, e.clientName || e.client,
          (e.clientName ? e.client : "") + (e.userId ? (e.clientName ? ", " : "") + "user " + e.userId : ""));
      cell(tr, (e.providerName ? e.providerName + ": " : "") + e.service,
          e.method + " " + e.path + (e.outcome && e.outcome !== "ok" ? " (" + e.outcome + ")" : ""));
      cell(tr, e.purpose || "no purpose given", e.issue ? "issue " + e.issue : "");
      if (e.agree === null || e.agree === undefined) {
        cell(tr, "only the " + e.sides.join(" and ") + " record was found", "");
      } else {
        markCell(tr, e.agree, "yes", "no", e.agree ? [] : ["they differ in: " + e.differences.join(", ")]);
      }
      markCell(tr, e.verified, "verified", "not verified", e.reasons);
      rows.appendChild(tr);
    }
    $("events").hidden = answer.events.length === 0;
    $("empty").hidden = answer.events.length !== 0;
  }

  async function loadEvents(token) {
    $("sign-in").hidden = true;
    $("sign-out").hidden = false;
    $("loading").hidden = false;
    try {
      const response = await fetch("/api/v1/events", {
        headers: { Accept: "application/json", Authorization: "Bearer " + token },
      });
      const body = await response.json();
      if (response.status === 401) {
        sessionStorage.removeItem(KEY_TOKEN);
        showSignedOut();
        showMessage("Please sign in again: " + body.message);
        return;
      }
      if (!response.ok) {
        showMessage("Your records cannot be shown right now: " + (body.message || response.status));
        return;
      }
      render(body);
    } catch (e) {
      showMessage("Your records cannot be shown right now: the portal cannot be reached.");
    } finally {
      $("loading").hidden = true;
    }
  }

  function start() {
    $("sign-in").addEventListener("click", signIn);
    $("sign-out").addEventListener("click", signOut);
    takeTokenFromFragment();
    const token = sessionStorage.getItem(KEY_TOKEN);
    if (token) {
      loadEvents(token);
    } else {
      showSignedOut();
    }
  }

  start();
})();
