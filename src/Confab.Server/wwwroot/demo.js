// Confab live demo: pick a demo user, then chat. REST (bearer token) for lists, history and
// sending; the socket (/v1/socket) for everything that changes live. Plain browser JavaScript,
// no build step and nothing loaded from elsewhere.
'use strict';

const SESSION_KEY = 'confab.demo.session';
const HISTORY_PAGE = 50;
const TYPING_RENEW_MS = 3000;   // the server forgets a typing signal after 6 s
const TYPING_IDLE_MS = 5000;    // stop saying "typing" after this long without a keystroke
const STATUS_RANK = { failed: 0, pending: 0, sent: 1, delivered: 2, read: 3 };

const el = {};
for (const id of ['picker', 'user-options', 'picker-error', 'app', 'me-avatar', 'me-name', 'connection', 'sign-out',
  'conversations', 'chat', 'back', 'chat-avatar', 'chat-title', 'chat-subtitle', 'messages', 'typing', 'composer',
  'composer-input', 'send', 'attach-input']) {
  el[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
}

const state = {
  session: null,             // { token, expiresAt, user }
  conversations: new Map(),  // id → Conversation (as GET /v1/conversations returns it)
  loaded: false,             // the conversation list has arrived over REST
  pendingEvents: [],         // durable events that came before the list did
  openId: null,              // the conversation on screen
  openGeneration: 0,         // guards against a slow history fetch of a conversation left since
  messages: new Map(),       // id → Message, the open conversation only
  nextCursor: null,          // older history of the open conversation
  typing: new Map(),         // conversationId → Map(userId → { name, timer })
  lastSeq: null,             // the last durable event seen, for resume
};

const me = () => state.session?.user.id;

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Creates an element: h('span', { class: 'x', 'data-testid': 'y', onclick: f }, child, …). */
function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the REST API as the signed-in user; throws ApiError with the problem's message. */
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    if (response.status === 401 && state.session && path.startsWith('/v1/')) signOut();
    throw new ApiError(response.status, problem.message || problem.detail || response.statusText, problem.code);
  }
  return response.status === 204 ? null : response.json();
}

function randomId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function isToday(date) {
  return date.toDateString() === new Date().toDateString();
}

/** "14:05" today, "Nov 21" before. */
function shortTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return isToday(date) ? timeFormat.format(date) : dayFormat.format(date);
}

function initials(name) {
  return (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}

function firstName(user) {
  return (user?.name || user?.id || 'Someone').split(/\s+/)[0];
}

/** A stable hue per id, so everyone keeps their colour. */
function hue(id) {
  let hash = 0;
  for (const ch of id || '') hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 360;
}

function avatar(target, id, name) {
  target.textContent = initials(name);
  target.style.setProperty('--avatar-hue', hue(id));
}

// ---------------------------------------------------------------------------------------------
// Step 1: choosing who to be

async function showPicker() {
  el.app.hidden = true;
  el.picker.hidden = false;
  el.pickerError.hidden = true;
  el.userOptions.replaceChildren();
  try {
    const users = await api('GET', '/demo/users');
    for (const user of users) {
      const face = h('span', { class: 'avatar avatar-large' });
      avatar(face, user.id, user.name);
      el.userOptions.append(h('button', {
        class: 'user-option', type: 'button', 'data-testid': `user-option-${user.id}`, 'data-user-id': user.id,
        onclick: () => signIn(user.id),
      }, face, h('span', { class: 'user-option-name' }, user.name), h('span', { class: 'user-option-id' }, `@${user.id}`)));
    }
  } catch (error) {
    showPickerError(`Could not load the demo users: ${error.message}. Is the server running with Confab:Demo on?`);
  }
}

function showPickerError(text) {
  el.pickerError.textContent = text;
  el.pickerError.hidden = false;
}

async function signIn(userId) {
  for (const button of el.userOptions.querySelectorAll('button')) button.disabled = true;
  try {
    const session = await api('POST', '/demo/sessions', { userId });
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    start(session);
  } catch (error) {
    showPickerError(`Could not sign in: ${error.message}`);
    for (const button of el.userOptions.querySelectorAll('button')) button.disabled = false;
  }
}

function signOut() {
  stopTyping();
  socket.stop();
  sessionStorage.removeItem(SESSION_KEY);
  for (const typers of state.typing.values()) for (const t of typers.values()) clearTimeout(t.timer);
  Object.assign(state, {
    session: null, conversations: new Map(), loaded: false, pendingEvents: [], openId: null, messages: new Map(),
    nextCursor: null, typing: new Map(), lastSeq: null,
  });
  showPicker();
}

// ---------------------------------------------------------------------------------------------
// Step 2: the chat

function start(session) {
  state.session = session;
  el.picker.hidden = true;
  el.app.hidden = false;
  el.meName.textContent = session.user.name;
  avatar(el.meAvatar, session.user.id, session.user.name);
  listItems.clear();
  el.conversations.replaceChildren();
  closeConversation();
  socket.start();
  loadConversations();
}

/** (Re)loads the conversation list; the first time, also replays events that arrived meanwhile. */
async function loadConversations() {
  const session = state.session;
  let page;
  try {
    page = await api('GET', '/v1/conversations?limit=200');
  } catch (error) {
    if (state.session === session && error.status !== 401) setTimeout(loadConversations, 2000);
    return;
  }
  if (state.session !== session) return; // signed out (or in as someone else) meanwhile
  const seen = new Set();
  for (const conversation of page.items) {
    seen.add(conversation.id);
    state.conversations.set(conversation.id, conversation);
  }
  for (const id of [...state.conversations.keys()]) if (!seen.has(id)) removeConversation(id);
  renderConversationList();

  if (!state.loaded) {
    state.loaded = true;
    // Being online means what was sent to us has been delivered.
    for (const c of page.items) if (c.unreadCount > 0) markDelivered(c.id);
    for (const event of state.pendingEvents.splice(0)) applyEvent(event);
  }
  if (state.openId) {
    renderChatHeader();
    if (state.conversations.get(state.openId)?.unreadCount > 0) markOpenRead();
  }
}

async function refreshConversation(id) {
  try {
    const conversation = await api('GET', `/v1/conversations/${encodeURIComponent(id)}`);
    const known = state.conversations.get(id);
    // Keep what the list knows that a detail may not carry.
    state.conversations.set(id, { ...known, ...conversation, unreadCount: conversation.unreadCount ?? known?.unreadCount ?? 0 });
    renderConversationList();
    if (state.openId === id) renderChatHeader();
  } catch (error) {
    if (error.status === 404 || error.status === 403) removeConversation(id);
  }
}

function removeConversation(id) {
  state.conversations.delete(id);
  if (state.openId === id) closeConversation();
  renderConversationList();
}

const partner = (conversation) =>
  conversation.type === 'direct' ? conversation.participants?.find((p) => p.id !== me()) : undefined;

const conversationTitle = (conversation) =>
  conversation.title || partner(conversation)?.name
  || conversation.participants?.filter((p) => p.id !== me()).map((p) => p.name).join(', ') || 'Conversation';

const lastActivity = (conversation) => conversation.lastMessage?.createdAt || conversation.updatedAt || conversation.createdAt || '';

function previewText(message) {
  if (!message) return 'No messages yet';
  if (message.deletedAt) return 'Message deleted';
  const body = message.text || (message.attachments?.[0]?.type === 'image' ? '📷 Photo' : message.attachments?.length ? '📄 File' : '');
  if (message.kind === 'system') return body;
  return message.sender?.id === me() ? `You: ${body}` : body;
}

function typersOf(conversationId) {
  return [...(state.typing.get(conversationId)?.values() ?? [])].map((t) => t.name);
}

function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

// --- The conversation list --------------------------------------------------------------------

const listItems = new Map(); // conversationId → <li>

function renderConversationList() {
  const ordered = [...state.conversations.values()].sort((a, b) => lastActivity(b).localeCompare(lastActivity(a)));
  for (const [id, item] of listItems) {
    if (!state.conversations.has(id)) {
      item.remove();
      listItems.delete(id);
    }
  }
  let next = el.conversations.firstChild;
  for (const conversation of ordered) {
    const item = listItems.get(conversation.id) ?? createListItem(conversation);
    fillListItem(item, conversation);
    if (item !== next) el.conversations.insertBefore(item, next);
    else next = next.nextSibling;
  }
}

function createListItem(conversation) {
  const button = h('button', {
    class: 'conversation', type: 'button', 'data-testid': 'conversation-item',
    'data-conversation-id': conversation.id, 'data-conversation-type': conversation.type,
    onclick: () => openConversation(conversation.id),
  });
  const item = h('li', {}, button);
  listItems.set(conversation.id, item);
  return item;
}

function fillListItem(item, conversation) {
  const button = item.firstChild;
  const other = partner(conversation);
  if (other) button.dataset.peerId = other.id;
  button.setAttribute('aria-current', String(conversation.id === state.openId));

  const face = h('span', { class: 'avatar' });
  avatar(face, other?.id ?? conversation.id, conversationTitle(conversation));
  if (other) face.append(presenceDot(other.presence));

  const typers = typersOf(conversation.id);
  const last = conversation.lastMessage;
  const preview = typers.length
    ? h('span', { class: 'conversation-preview is-typing', 'data-testid': 'conversation-preview' },
      conversation.type === 'direct' ? 'typing…' : typingText(typers))
    : h('span', { class: 'conversation-preview', 'data-testid': 'conversation-preview' },
      last?.sender?.id === me() && !last.deletedAt ? ticks(last.status) : null, previewText(last));
  const unread = conversation.unreadCount > 0
    ? h('span', { class: 'unread-badge', 'data-testid': 'unread-badge', 'aria-label': `${conversation.unreadCount} unread` },
      conversation.unreadCount > 99 ? '99+' : String(conversation.unreadCount))
    : null;

  button.classList.toggle('has-unread', conversation.unreadCount > 0);
  button.replaceChildren(face, h('span', { class: 'conversation-main' },
    h('span', { class: 'conversation-top' },
      h('span', { class: 'conversation-title', 'data-testid': 'conversation-title' }, conversationTitle(conversation)),
      h('time', { class: 'conversation-time', datetime: lastActivity(conversation) }, shortTime(last?.createdAt))),
    h('span', { class: 'conversation-bottom' }, preview, unread)));
}

function presenceDot(status) {
  const shown = status || 'offline';
  return h('span', { class: 'presence-dot', 'data-testid': 'presence-dot', 'data-status': shown, title: shown });
}

/** The receipt ticks of one's own message: ✓ sent, ✓✓ delivered, ✓✓ in colour read. */
function ticks(status) {
  const labels = { pending: ['…', 'Sending'], failed: ['!', 'Not sent'], sent: ['✓', 'Sent'], delivered: ['✓✓', 'Delivered'], read: ['✓✓', 'Read'] };
  const [symbol, label] = labels[status] ?? labels.sent;
  return h('span', { class: 'ticks', 'data-testid': 'message-status', 'data-status': status || 'sent', title: label, 'aria-label': label }, symbol);
}

// --- The open conversation --------------------------------------------------------------------

const messageNodes = new Map(); // message id → element
const loadEarlier = h('button', { class: 'load-earlier', type: 'button', hidden: true, onclick: () => loadHistory(false) }, 'Load earlier messages');

function closeConversation() {
  stopTyping();
  state.openId = null;
  state.openGeneration++;
  state.messages = new Map();
  state.nextCursor = null;
  messageNodes.clear();
  el.messages.replaceChildren(loadEarlier);
  delete el.messages.dataset.count;
  el.chat.dataset.empty = 'true';
  el.app.dataset.view = 'list';
  renderTypingIndicator();
  renderConversationList();
}

async function openConversation(id) {
  if (state.openId === id) {
    el.app.dataset.view = 'chat';
    return;
  }
  closeConversation();
  state.openId = id;
  el.chat.dataset.empty = 'false';
  el.app.dataset.view = 'chat';
  renderChatHeader();
  renderConversationList();
  el.composerInput.value = '';
  autoGrow();
  el.composerInput.focus();
  await loadHistory(true);
  markOpenRead();
}

/** Loads the newest page (first) or the page before what is shown. */
async function loadHistory(first) {
  const id = state.openId;
  const generation = state.openGeneration;
  const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
  if (!first && state.nextCursor) query.set('cursor', state.nextCursor);
  let page;
  try {
    page = await api('GET', `/v1/conversations/${encodeURIComponent(id)}/messages?${query}`);
  } catch (error) {
    if (generation === state.openGeneration) showNotice(`Could not load messages: ${error.message}`);
    return;
  }
  if (generation !== state.openGeneration) return;
  const fromBottom = el.messages.scrollHeight - el.messages.scrollTop;
  for (const message of page.items) upsertMessage(message);
  if (first || state.nextCursor) state.nextCursor = page.nextCursor;
  renderMessages();
  if (first) scrollToBottom();
  else el.messages.scrollTop = el.messages.scrollHeight - fromBottom;
}

function showNotice(text) {
  el.messages.append(h('p', { class: 'notice', role: 'alert' }, text));
}

function renderChatHeader() {
  const conversation = state.conversations.get(state.openId);
  if (!conversation) return;
  const other = partner(conversation);
  el.chatTitle.textContent = conversationTitle(conversation);
  avatar(el.chatAvatar, other?.id ?? conversation.id, conversationTitle(conversation));
  if (other) el.chatAvatar.append(presenceDot(other.presence));
  el.chatSubtitle.textContent = other ? presenceText(other) : `${conversation.memberCount} members`;
}

function presenceText(user) {
  if (user.presence && user.presence !== 'offline') return user.presence;
  if (!user.lastSeenAt) return 'offline';
  const seen = new Date(user.lastSeenAt);
  return `last seen ${isToday(seen) ? `today at ${timeFormat.format(seen)}` : fullFormat.format(seen)}`;
}

/** Adds or merges a message of the open conversation, keeping the furthest receipt status. */
function upsertMessage(message) {
  const known = state.messages.get(message.id);
  if (!known) {
    state.messages.set(message.id, message);
    return message;
  }
  const merged = { ...known, ...message };
  if ((STATUS_RANK[known.status] ?? 0) > (STATUS_RANK[message.status] ?? 0)) merged.status = known.status;
  if (known.receipts) merged.receipts = known.receipts;
  state.messages.set(message.id, merged);
  return merged;
}

const bySeq = (a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || (a.createdAt ?? '').localeCompare(b.createdAt ?? '');

function renderMessages() {
  const conversation = state.conversations.get(state.openId);
  const atBottom = el.messages.scrollHeight - el.messages.scrollTop - el.messages.clientHeight < 60;
  const ordered = [...state.messages.values()].sort(bySeq);
  for (const [id, node] of messageNodes) {
    if (!state.messages.has(id)) {
      node.remove();
      messageNodes.delete(id);
    }
  }
  loadEarlier.hidden = !state.nextCursor;
  el.messages.dataset.count = String(ordered.length);
  let next = loadEarlier.nextSibling;
  let previous = null;
  for (const message of ordered) {
    const continued = previous && previous.sender?.id === message.sender?.id && previous.kind !== 'system'
      && Date.parse(message.createdAt) - Date.parse(previous.createdAt) < 5 * 60_000;
    const node = renderMessage(message, conversation, Boolean(continued));
    if (node !== next) el.messages.insertBefore(node, next);
    else next = next.nextSibling;
    previous = message;
  }
  if (atBottom) scrollToBottom();
}

function scrollToBottom() {
  el.messages.scrollTop = el.messages.scrollHeight;
}

function renderMessage(message, conversation, continued) {
  const own = message.sender?.id === me();
  const signature = JSON.stringify([message.text, message.status, message.deletedAt, message.editedAt, continued, message.seq,
    message.attachments?.map((a) => a.id)]);
  let node = messageNodes.get(message.id);
  if (node?.dataset.signature === signature) return node;

  const showSender = !own && !continued && conversation?.type !== 'direct' && message.kind !== 'system';
  const body = message.deletedAt
    ? h('div', { class: 'text deleted' }, 'This message was deleted')
    : h('div', { class: 'text' }, message.attachments?.map(renderAttachment), message.text || '');
  const meta = h('div', { class: 'meta' },
    message.editedAt && !message.deletedAt ? h('span', { class: 'edited' }, 'edited') : null,
    h('time', { datetime: message.createdAt, title: fullFormat.format(new Date(message.createdAt)) },
      timeFormat.format(new Date(message.createdAt))),
    own ? ticks(message.status) : null);
  const bubble = h('div', { class: 'bubble' },
    showSender ? h('div', { class: 'sender', style: `--avatar-hue: ${hue(message.sender.id)}` }, message.sender.name) : null,
    body, meta);

  if (!node) {
    node = h('div', { 'data-testid': 'message', 'data-message-id': message.id });
    messageNodes.set(message.id, node);
  }
  node.className = ['message', message.kind === 'system' ? 'system' : own ? 'own' : 'theirs', continued ? 'continued' : ''].join(' ').trim();
  node.dataset.own = String(own);
  if (own) node.dataset.status = message.status || 'sent';
  node.dataset.signature = signature;
  node.title = message.status === 'failed' ? `Not sent: ${message.error || 'unknown error'}. Click to retry.` : '';
  node.replaceChildren(bubble);
  return node;
}

/** An image inline (its URL is signed for this user and expires; the server serves it with the right type), anything else as a download link. */
function renderAttachment(attachment) {
  if (attachment.type === 'image' && attachment.url) {
    return h('a', { class: 'attachment', href: attachment.url, target: '_blank', rel: 'noopener' },
      h('img', { 'data-testid': 'attachment-image', src: attachment.url, alt: attachment.name || 'Photo',
        width: attachment.width, height: attachment.height, loading: 'lazy' }));
  }
  return h('a', { class: 'attachment file', 'data-testid': 'attachment-file', href: attachment.url, download: attachment.name || '' },
    `📄 ${attachment.name || 'File'}`);
}

// --- Reading, delivery and receipts -----------------------------------------------------------

const isViewing = (conversationId) => state.openId === conversationId && document.visibilityState === 'visible';

/** Marks the open conversation read up to its newest message (or everything). */
function markOpenRead(upToMessageId) {
  const id = state.openId;
  if (!id || !isViewing(id)) return;
  const conversation = state.conversations.get(id);
  if (conversation) {
    conversation.unreadCount = 0;
    renderConversationList();
  }
  api('POST', `/v1/conversations/${encodeURIComponent(id)}/read`, upToMessageId ? { upToMessageId } : {}).catch(() => {});
}

function markDelivered(conversationId, messageIds) {
  api('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/delivered`, messageIds ? { messageIds } : {}).catch(() => {});
}

/**
 * A receipt moves one member's pointer: everything of ours up to the newest message it names is
 * delivered to (or read by) that member. Our message is delivered or read once every other member
 * has got that far, as the server computes `status`.
 */
function applyReceipt(receipt) {
  if (receipt.userId === me()) return;
  const conversation = state.conversations.get(receipt.conversationId);
  if (!conversation) return;
  const named = new Set(receipt.messageIds);
  const candidates = [conversation.lastMessage, ...(state.openId === conversation.id ? state.messages.values() : [])].filter(Boolean);
  const upTo = Math.max(...candidates.filter((m) => named.has(m.id)).map((m) => m.seq), -Infinity);
  if (upTo === -Infinity) return;

  const others = Math.max((conversation.memberCount ?? 2) - 1, 1);
  const advance = (message) => {
    if (message.sender?.id !== me() || !(message.seq <= upTo)) return message;
    const receipts = message.receipts ?? {
      read: new Set((message.readBy ?? []).map((r) => r.userId)),
      delivered: new Set((message.deliveredTo ?? []).map((r) => r.userId)),
    };
    receipts.delivered.add(receipt.userId);
    if (receipt.status === 'read') receipts.read.add(receipt.userId);
    const reached = receipts.read.size >= others ? 'read' : receipts.delivered.size >= others ? 'delivered' : 'sent';
    const status = (STATUS_RANK[reached] ?? 0) > (STATUS_RANK[message.status] ?? 1) ? reached : message.status;
    return { ...message, receipts, status };
  };

  if (conversation.lastMessage) conversation.lastMessage = advance(conversation.lastMessage);
  if (state.openId === conversation.id) {
    for (const message of [...state.messages.values()]) state.messages.set(message.id, advance(message));
    renderMessages();
  }
  renderConversationList();
}

// --- Live events ------------------------------------------------------------------------------

function applyEvent({ type, payload }) {
  switch (type) {
    case 'message.created':
    case 'message.updated':
      onMessage(payload, type === 'message.created');
      break;
    case 'message.deleted':
      onMessage({ ...(state.messages.get(payload.messageId) ?? {}), id: payload.messageId, conversationId: payload.conversationId,
        text: '', attachments: [], deletedAt: new Date().toISOString() }, false);
      break;
    case 'message.receipt':
      applyReceipt(payload);
      break;
    case 'unread.updated': {
      const conversation = state.conversations.get(payload.conversationId);
      if (conversation) {
        conversation.unreadCount = payload.unreadCount;
        renderConversationList();
      }
      break;
    }
    case 'conversation.created':
    case 'conversation.updated':
    case 'conversation.member.added':
    case 'conversation.member.updated':
      refreshConversation(payload.conversationId ?? payload.id);
      break;
    case 'conversation.member.removed':
      if (payload.userId === me()) removeConversation(payload.conversationId);
      else refreshConversation(payload.conversationId);
      break;
    case 'conversation.deleted':
      removeConversation(payload.conversationId);
      break;
    default:
      break; // reactions, notifications: not shown by this demo
  }
}

function onMessage(message, created) {
  const conversation = state.conversations.get(message.conversationId);
  if (!conversation) {
    if (created) refreshConversation(message.conversationId);
    return;
  }
  const mine = message.sender?.id === me();
  const open = state.openId === conversation.id;

  if (created) {
    clearTyper(conversation.id, message.sender?.id);
    const isNewest = !conversation.lastMessage || message.seq > conversation.lastMessage.seq;
    if (isNewest) {
      conversation.lastMessage = { ...message, status: message.status ?? (mine ? 'sent' : undefined) };
      if (!mine && !isViewing(conversation.id)) conversation.unreadCount = (conversation.unreadCount ?? 0) + 1;
    }
    if (!mine && isNewest) {
      if (isViewing(conversation.id)) markOpenRead(message.id);
      else markDelivered(conversation.id, [message.id]);
    }
  } else if (conversation.lastMessage?.id === message.id) {
    conversation.lastMessage = { ...conversation.lastMessage, ...message, status: conversation.lastMessage.status };
  }

  if (open && (created || state.messages.has(message.id))) {
    if (message.clientMessageId) {
      for (const [id, m] of state.messages) if (m.local && m.clientMessageId === message.clientMessageId) state.messages.delete(id);
    }
    upsertMessage(mine && created ? { ...message, status: message.status ?? 'sent' } : message);
    renderMessages();
  }
  renderConversationList();
}

function clearTyper(conversationId, userId) {
  const typers = state.typing.get(conversationId);
  const typer = typers?.get(userId);
  if (!typer) return;
  clearTimeout(typer.timer);
  typers.delete(userId);
  renderTypingIndicator();
}

function onTyping({ conversationId, userId, user, isTyping, expiresAt }) {
  if (userId === me()) return;
  const typers = state.typing.get(conversationId) ?? new Map();
  state.typing.set(conversationId, typers);
  clearTimeout(typers.get(userId)?.timer);
  if (isTyping) {
    // The server says isTyping: false when a signal lapses; this is only a safety net.
    const lifetime = Math.min(Math.max(Date.parse(expiresAt) - Date.now(), 1000) || 6000, 8000) + 1000;
    typers.set(userId, { name: firstName(user ?? { id: userId }), timer: setTimeout(() => clearTyper(conversationId, userId), lifetime) });
  } else {
    typers.delete(userId);
  }
  renderTypingIndicator();
}

function renderTypingIndicator() {
  el.typing.textContent = state.openId ? typingText(typersOf(state.openId)) : '';
  el.typing.dataset.active = String(el.typing.textContent !== '');
  renderConversationList();
}

function onPresence({ userId, status, lastSeenAt }) {
  for (const conversation of state.conversations.values()) {
    for (const participant of conversation.participants ?? []) {
      if (participant.id !== userId) continue;
      participant.presence = status;
      if (lastSeenAt) participant.lastSeenAt = lastSeenAt;
    }
  }
  renderConversationList();
  if (state.openId) renderChatHeader();
}

// --- Sending and typing -----------------------------------------------------------------------

function sendFromComposer() {
  const text = el.composerInput.value.trim();
  if (!text || !state.openId) return;
  el.composerInput.value = '';
  autoGrow();
  stopTyping();
  const clientMessageId = randomId();
  const message = {
    id: `local-${clientMessageId}`, local: true, clientMessageId, conversationId: state.openId, kind: 'text', text,
    sender: state.session.user, createdAt: new Date().toISOString(), status: 'pending', attachments: [],
  };
  upsertMessage(message);
  renderMessages();
  scrollToBottom();
  deliver(message);
}

/** Uploads the chosen file (the server decides its type from its bytes), then sends it as a message. */
async function sendFile(file) {
  const conversationId = state.openId;
  if (!file || !conversationId) return;
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('conversationId', conversationId);
  try {
    const response = await fetch('/v1/attachments', { method: 'POST', headers: { Authorization: `Bearer ${state.session.token}` }, body: form });
    const body = await response.json();
    if (!response.ok) throw new ApiError(response.status, body.message || response.statusText, body.code);
    const clientMessageId = randomId();
    const message = {
      id: `local-${clientMessageId}`, local: true, clientMessageId, conversationId, kind: 'media', text: '',
      sender: state.session.user, createdAt: new Date().toISOString(), status: 'pending', attachments: [body],
    };
    upsertMessage(message);
    renderMessages();
    scrollToBottom();
    deliver(message);
  } catch (error) {
    showNotice(`Could not send ${file.name}: ${error.message}`);
  }
}

/** Posts a composed message; the server's copy replaces the local one (and the socket's echo finds it by id). */
async function deliver(message) {
  const generation = state.openGeneration;
  if (message.status === 'failed') {
    state.messages.set(message.id, { ...message, status: 'pending' });
    renderMessages();
  }
  try {
    const sent = await api('POST', `/v1/conversations/${encodeURIComponent(message.conversationId)}/messages`,
      { text: message.text || undefined, attachments: message.attachments.map((a) => a.id), clientMessageId: message.clientMessageId });
    if (generation !== state.openGeneration) return;
    state.messages.delete(message.id);
    onMessage(sent, !state.messages.has(sent.id));
  } catch (error) {
    if (generation !== state.openGeneration || !state.messages.has(message.id)) return;
    state.messages.set(message.id, { ...message, status: 'failed', error: error.message });
    renderMessages();
  }
}

const typingOut = { conversationId: null, sentAt: 0, idle: null };

function noteTyping() {
  if (!state.openId || el.composerInput.value.trim() === '') {
    stopTyping();
    return;
  }
  const now = Date.now();
  if (typingOut.conversationId !== state.openId || now - typingOut.sentAt >= TYPING_RENEW_MS) {
    if (typingOut.conversationId && typingOut.conversationId !== state.openId) stopTyping();
    socket.send('typing', { conversationId: state.openId, isTyping: true });
    typingOut.conversationId = state.openId;
    typingOut.sentAt = now;
  }
  clearTimeout(typingOut.idle);
  typingOut.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingOut.idle);
  if (!typingOut.conversationId) return;
  socket.send('typing', { conversationId: typingOut.conversationId, isTyping: false });
  typingOut.conversationId = null;
  typingOut.sentAt = 0;
}

function autoGrow() {
  el.composerInput.style.height = 'auto';
  el.composerInput.style.height = `${Math.min(el.composerInput.scrollHeight, 160)}px`;
}

// ---------------------------------------------------------------------------------------------
// The socket: connect with the token, resume from the last seq seen, reconnect with backoff.

const socket = {
  ws: null,
  attempts: 0,
  timer: null,
  readySeq: null,
  everResumed: false,

  start() {
    this.stop();
    this.everResumed = false;
    this.connect();
  },

  stop() {
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'Bye');
  },

  connect() {
    if (!state.session) return;
    const url = new URL('/v1/socket', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', state.session.token);
    setConnection('connecting');
    const ws = new WebSocket(url);
    this.ws = ws;
    // Durable events wait for the resume's outcome: had the server gone live before the resume came, and refused
    // it, they came after a gap, and taking them would move lastSeq past events never shown.
    this.held = [];
    // A reconnect knows where to resume from: sent at once, the resume is the server's first request however late
    // the ready frame comes.
    ws.onopen = () => {
      if (ws === this.ws && state.lastSeq !== null) this.resume();
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.receive(frame);
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      setConnection('offline');
      this.retry();
    };
  },

  retry() {
    clearTimeout(this.timer);
    const delay = Math.min(10_000, 500 * 2 ** this.attempts) * (0.75 + Math.random() / 2);
    this.attempts++;
    // After a few failures, find out whether the session itself is gone (api() signs out on 401).
    if (this.attempts % 3 === 0) api('GET', '/v1/me').catch(() => {});
    this.timer = setTimeout(() => this.connect(), delay);
  },

  resume() {
    this.ws.send(JSON.stringify({ type: 'resume', requestId: `resume-${Date.now()}`, payload: { since: state.lastSeq } }));
  },

  // The events held while the resume ran, now that it was answered.
  releaseHeld() {
    const held = this.held ?? [];
    this.held = null;
    held.forEach((frame) => this.apply(frame));
  },

  apply(frame) {
    if (state.lastSeq !== null && frame.seq <= state.lastSeq) return; // seen already
    state.lastSeq = frame.seq;
    if (state.loaded) applyEvent(frame);
    else state.pendingEvents.push(frame);
  },

  send(type, payload) {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ type, payload }));
    return true;
  },

  receive(frame) {
    switch (frame.type) {
      case 'ready':
        // The first request must be resume: durable events after `since` come first, in order. A reconnect sent it
        // as the socket opened; a first connection resumes from the ready seq now.
        this.readySeq = frame.payload.seq;
        if (state.lastSeq === null) {
          state.lastSeq = frame.payload.seq;
          this.resume();
        }
        break;
      case 'resumed':
        this.releaseHeld();
        this.attempts = 0;
        setConnection('online');
        // Presence is not replayed: after a drop, take a fresh look at the list.
        if (this.everResumed) loadConversations();
        this.everResumed = true;
        break;
      case 'resync.required':
        // Too far behind to replay: start over from REST.
        this.releaseHeld();
        this.attempts = 0;
        state.lastSeq = this.readySeq;
        setConnection('online');
        loadConversations();
        if (state.openId) {
          const id = state.openId;
          closeConversation();
          openConversation(id);
        }
        break;
      case 'typing':
        onTyping(frame.payload);
        break;
      case 'presence':
        onPresence(frame.payload);
        break;
      case 'ack':
        break;
      case 'error':
        console.warn('Socket error', frame.payload);
        // A failed resume leaves a stream that may have a gap: what it held is dropped with the socket, and the
        // reconnect resumes again.
        if (frame.requestId?.startsWith('resume-')) this.ws.close(4000, 'Resume failed');
        break;
      default:
        if (typeof frame.seq !== 'number') break;
        if (this.held) this.held.push(frame);
        else this.apply(frame);
    }
  },
};

function setConnection(status) {
  const labels = { connecting: 'Connecting…', online: 'Online', offline: 'Reconnecting…' };
  el.connection.dataset.state = status;
  el.connection.textContent = labels[status];
}

// ---------------------------------------------------------------------------------------------
// Wiring

el.signOut.addEventListener('click', signOut);
el.back.addEventListener('click', closeConversation);
el.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  sendFromComposer();
});
el.composerInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendFromComposer();
  }
});
el.composerInput.addEventListener('input', () => {
  autoGrow();
  noteTyping();
});
el.composerInput.addEventListener('blur', stopTyping);
el.attachInput.addEventListener('change', () => {
  sendFile(el.attachInput.files[0]);
  el.attachInput.value = '';
});
el.messages.addEventListener('click', (event) => {
  const failed = event.target.closest('.message[data-status="failed"]');
  const message = failed && state.messages.get(failed.dataset.messageId);
  if (message) deliver(message);
});
el.messages.addEventListener('scroll', () => {
  if (el.messages.scrollTop < 40 && state.nextCursor && !loadEarlier.disabled) {
    loadEarlier.disabled = true;
    loadHistory(false).finally(() => { loadEarlier.disabled = false; });
  }
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.openId && state.conversations.get(state.openId)?.unreadCount > 0) markOpenRead();
});
window.addEventListener('online', () => {
  if (state.session && !socket.ws) socket.connect();
});
window.addEventListener('pagehide', stopTyping);

(function boot() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
  }
  if (saved?.token && Date.parse(saved.expiresAt) > Date.now()) start(saved);
  else showPicker();
})();
