// Mnemo's conversation history page (seed 004). Plain JavaScript, no build step, no CDN.
// Everything shown comes from the API and is put on the page with textContent: never as HTML.
"use strict";

const PAGE_SIZE = 10;
const state = { token: null, userId: null, viewing: null, offset: 0, total: 0 };
const TOKEN = "mnemo.token", REFRESH = "mnemo.refresh";
let refreshing = null;
const $ = (id) => document.getElementById(id);

function show(section, visible) { $(section).hidden = !visible; }
function say(text) { $("status").textContent = text; }
function when(value) { return value ? new Date(value).toLocaleString() : "—"; }

async function api(path, options = {}) {
  const sentWith = state.token;
  let response = await send(path, options);
  // An expired access token: rotate the session once with the refresh token, then ask again.
  if (response.status === 401 && await refreshed(sentWith)) {
    response = await send(path, options);
  }
  if (response.status === 401) { signOutLocally("Your session has ended. Sign in again."); throw new Error("unauthorized"); }
  if (response.status === 403) { throw new Error("forbidden"); }
  if (!response.ok) { throw new Error(`HTTP ${response.status}`); }
  return response.status === 204 ? null : response.json();
}

function send(path, options) {
  return fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${state.token}`, ...(options.headers || {}) },
  });
}

// True when there is a fresh access token to retry with. Requests refused together share one
// refresh: a refresh token works once, and presenting it twice would revoke the whole session.
async function refreshed(sentWith) {
  if (state.token && state.token !== sentWith) { return true; }
  const refreshToken = sessionStorage.getItem(REFRESH);
  if (!refreshToken) { return false; }
  refreshing ??= (async () => {
    try {
      const response = await fetch("/api/v1/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
      if (!response.ok) { return false; }
      const tokens = await response.json();
      keepTokens(tokens.access_token, tokens.refresh_token);
      return true;
    } catch { return false; } finally { refreshing = null; }
  })();
  return refreshing;
}

function keepTokens(accessToken, refreshToken) {
  sessionStorage.setItem(TOKEN, accessToken);
  if (refreshToken) { sessionStorage.setItem(REFRESH, refreshToken); } else { sessionStorage.removeItem(REFRESH); }
  state.token = accessToken;
}

function readTokenFromFragment() {
  // The OAuth callback puts the tokens in the fragment, which browsers never send to servers.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("access_token")) {
    keepTokens(fragment.get("access_token"), fragment.get("refresh_token"));
    history.replaceState(null, "", location.pathname + location.search);
  }
  state.token = sessionStorage.getItem(TOKEN);
}

function requestedUser() {
  const match = location.pathname.match(/^\/ui\/history\/([^/]+)\/?$/);
  return match ? decodeURIComponent(match[1]) : null;
}

async function start() {
  readTokenFromFragment();
  if (!state.token) { showSignIn(); return; }
  try {
    const me = await api("/api/v1/me");
    state.userId = me.user_id;
  } catch { showSignIn(); return; }
  if (!state.userId) { signOutLocally("This page is for signed-in users; use a user access token."); return; }
  state.viewing = requestedUser() || state.userId;
  $("history-link").href = `/ui/history/${encodeURIComponent(state.userId)}`;
  show("nav", true);
  show("sign-in", false);
  if (state.viewing !== state.userId) {
    say("You can only see your own conversation history.");
    show("profile", false); show("conversations", false); show("conversation", false); show("search", false);
    return;
  }
  say("");
  show("search", true);
  await Promise.all([loadProfile(), loadConversations(0)]);
}

function showSignIn() {
  show("sign-in", true); show("nav", false); show("profile", false); show("conversations", false); show("conversation", false); show("search", false);
  $("token").focus();
}

async function loadProfile() {
  const profile = await api(`/api/v1/users/${encodeURIComponent(state.viewing)}/profile`);
  $("profile-user").textContent = profile.user_id;
  $("profile-email").textContent = profile.email || "—";
  $("profile-total").textContent = String(profile.stats.total_conversations);
  $("profile-first").textContent = when(profile.stats.first_conversation);
  $("profile-last").textContent = when(profile.stats.last_conversation);
  show("profile", true);
}

async function loadConversations(offset) {
  const page = await api(`/api/v1/users/${encodeURIComponent(state.viewing)}/conversations?limit=${PAGE_SIZE}&offset=${offset}`);
  state.offset = offset;
  state.total = page.total;
  const list = $("conversation-list");
  list.replaceChildren();
  for (const conversation of page.conversations) {
    const item = document.createElement("li");
    item.className = "conversation";
    const open = document.createElement("button");
    open.type = "button";
    const title = document.createElement("span");
    title.className = "workflow";
    title.textContent = conversation.workflow || "Conversation";
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = ` · started ${when(conversation.started_at)} · ended ${when(conversation.ended_at)} · ${conversation.message_count} messages`;
    open.append(title, meta);
    open.addEventListener("click", () => openConversation(conversation.id));
    item.append(open);
    list.append(item);
  }
  if (page.conversations.length === 0) {
    const empty = document.createElement("li");
    empty.textContent = "No conversations yet.";
    list.append(empty);
  }
  const pages = Math.max(1, Math.ceil(state.total / PAGE_SIZE));
  $("page-label").textContent = `Page ${Math.floor(offset / PAGE_SIZE) + 1} of ${pages}`;
  $("previous-page").disabled = offset === 0;
  $("next-page").disabled = offset + PAGE_SIZE >= state.total;
  show("conversation", false);
  show("conversations", true);
}

async function openConversation(id) {
  const conversation = await api(`/api/v1/users/${encodeURIComponent(state.viewing)}/conversations/${encodeURIComponent(id)}`);
  $("conversation-title").textContent = `${conversation.workflow || "Conversation"} · ${when(conversation.started_at)}`;
  const list = $("message-list");
  list.replaceChildren();
  for (const message of conversation.messages) {
    const item = document.createElement("li");
    const role = document.createElement("div");
    role.className = "role";
    role.textContent = message.role;
    const time = document.createElement("div");
    time.className = "meta";
    time.textContent = when(message.created_at);
    const content = document.createElement("div");
    content.className = "message-content";
    content.textContent = message.content;
    item.append(role, time, content);
    list.append(item);
  }
  show("conversations", false);
  show("conversation", true);
  $("back").focus();
}

// Recall over the signed-in user's own messages (hybrid search); a hit opens its conversation.
async function search(question) {
  const found = await api(`/api/v1/users/${encodeURIComponent(state.viewing)}/messages/search?q=${encodeURIComponent(question)}&limit=10`);
  const list = $("search-results");
  list.replaceChildren();
  for (const result of found.results) {
    const item = document.createElement("li");
    item.className = "search-result";
    const text = document.createElement("div");
    text.className = "message-content";
    appendSnippet(text, result.snippet || result.message.content);
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `${result.message.role} · ${when(result.message.created_at)}`;
    item.append(text, meta);
    if (result.message.conversation_id) {
      const open = document.createElement("button");
      open.type = "button";
      open.textContent = "Open conversation";
      open.addEventListener("click", () => openConversation(result.message.conversation_id));
      item.append(open);
    }
    list.append(item);
  }
  say(found.results.length === 0 ? "No messages match." : "");
}

// A snippet marks its matches with <mark>: they become <mark> elements, and everything else stays text.
function appendSnippet(element, snippet) {
  const parts = snippet.split(/<mark>|<\/mark>/);
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      const mark = document.createElement("mark");
      mark.textContent = part;
      element.append(mark);
    } else {
      element.append(document.createTextNode(part));
    }
  });
}

function signOutLocally(message) {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(REFRESH);
  state.token = null;
  say(message || "");
  showSignIn();
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    keepTokens($("token").value.trim(), null);
    $("token").value = "";
    start();
  });
  $("sign-out").addEventListener("click", async () => {
    // The refresh token goes too, so the whole session ends on the server, not only this access token.
    const refreshToken = sessionStorage.getItem(REFRESH);
    const body = refreshToken ? { headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: refreshToken }) } : {};
    try { await api("/api/v1/auth/logout", { method: "POST", ...body }); } catch { /* signed out either way */ }
    signOutLocally("You are signed out.");
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = $("search-query").value.trim();
    if (question) { search(question).catch(() => say("Search failed; try again.")); }
  });
  $("previous-page").addEventListener("click", () => loadConversations(Math.max(0, state.offset - PAGE_SIZE)));
  $("next-page").addEventListener("click", () => loadConversations(state.offset + PAGE_SIZE));
  $("back").addEventListener("click", () => loadConversations(state.offset));
  start();
});
