// The citizen portal page: OpenID Connect implicit-flow sign-in (state and nonce kept in
// sessionStorage), then the citizen's access records as HTML rendered and escaped by the server
// (/page/events). The page's own texts come from the server's bundles (data-* attributes of <body>);
// nothing from the URL or the identity provider is ever parsed as HTML.
"use strict";

(function () {
  const KEY_TOKEN = "portal.idToken";
  const KEY_STATE = "portal.state";
  const KEY_NONCE = "portal.nonce";

  const $ = (id) => document.getElementById(id);
  const text = (name) => document.body.dataset[name];

  function randomText() {
    const bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function showMessage(message) {
    const box = $("message");
    box.textContent = message;
    box.hidden = !message;
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
      showMessage(text("signInFailed") + " " + params.get("error") + " " + (params.get("error_description") || ""));
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
      showMessage(text("stateMismatch"));
      return;
    }
    let claims;
    try {
      claims = claimsOf(token);
    } catch (e) {
      showMessage(text("badToken"));
      return;
    }
    if (!expectedNonce || claims.nonce !== expectedNonce) {
      showMessage(text("nonceMismatch"));
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
        showMessage(text("signInUnavailable"));
        return;
      }
    } catch (e) {
      showMessage(text("signInUnavailable"));
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
    $("result").replaceChildren();
    $("loading").hidden = true;
  }

  // The accesses come rendered (and escaped) by the server's template in the page's language, with
  // times in this browser's time zone.
  async function loadEvents(token) {
    $("sign-in").hidden = true;
    $("sign-out").hidden = false;
    $("loading").hidden = false;
    const params = new URLSearchParams({
      lang: document.documentElement.lang,
      tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    });
    try {
      const response = await fetch("/page/events?" + params, {
        headers: { Accept: "text/html", Authorization: "Bearer " + token },
      });
      const body = await response.text();
      if (response.status === 401) {
        sessionStorage.removeItem(KEY_TOKEN);
        showSignedOut();
        showMessage(body);
        return;
      }
      if (!response.ok) {
        showMessage(response.headers.get("Content-Type").startsWith("text/plain") ? body : text("recordsUnavailable"));
        return;
      }
      const view = new DOMParser().parseFromString(body, "text/html").getElementById("events-view");
      $("result").replaceChildren(document.adoptNode(view));
      $("signed-in-as").textContent = view.dataset.signedIn;
      $("signed-in-as").hidden = false;
    } catch (e) {
      showMessage(text("recordsUnavailable"));
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
