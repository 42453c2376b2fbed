// The simulator page: pick a person, act through /simulator/act, and draw what the stream says
// reached each phone. Plain JavaScript, no build step.
"use strict";

const chats = new Map();   // openid -> bubbles
const unread = new Map();  // openid -> count of bot bubbles not yet seen
let current = null;

const $ = (sel) => document.querySelector(sel);
const people = () => document.querySelectorAll(".person");

function bubbleElement(b) {
  const li = document.createElement("li");
  li.className = `bubble ${b.side} ${b.kind}`;
  li.dataset.id = b.id;
  if (b.kind === "push" || b.kind === "template") {
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = b.kind === "push" ? "客服消息" : "模板消息";
    li.append(tag);
  }
  const body = document.createElement("div");
  body.className = "text";
  if (b.kind === "template" && Object.keys(b.data).length) {
    for (const [name, value] of Object.entries(b.data)) {
      const line = document.createElement("div");
      const label = document.createElement("span");
      label.className = "field";
      label.textContent = `${name}：`;
      line.append(label, value);
      body.append(line);
    }
  } else if (b.kind === "image") {
    const img = document.createElement("img");
    img.src = b.text;
    img.alt = "图片";
    body.append(img);
  } else {
    body.textContent = b.text;
  }
  const time = document.createElement("time");
  time.textContent = b.at;
  li.append(body, time);
  return li;
}

function show(openid) {
  current = openid;
  location.hash = openid;
  unread.set(openid, 0);
  for (const btn of people()) {
    const me = btn.dataset.openid === openid;
    btn.classList.toggle("current", me);
    btn.setAttribute("aria-pressed", me);
    if (me) $("#who").textContent = `${btn.dataset.name}（${btn.dataset.role}）`;
  }
  const list = $("#chat");
  list.replaceChildren(...(chats.get(openid) || []).map(bubbleElement));
  list.scrollTop = list.scrollHeight;
  badges();
  $("#text").focus();
}

function badges() {
  for (const btn of people()) {
    const n = unread.get(btn.dataset.openid) || 0;
    const badge = btn.querySelector(".badge");
    badge.hidden = n === 0;
    badge.textContent = n;
  }
}

function arrived(b) {
  if (!chats.has(b.openid)) chats.set(b.openid, []);
  chats.get(b.openid).push(b);
  if (b.openid === current) {
    const list = $("#chat");
    list.append(bubbleElement(b));
    list.scrollTop = list.scrollHeight;
  } else if (b.side === "bot") {
    unread.set(b.openid, (unread.get(b.openid) || 0) + 1);
    badges();
  }
}

async function post(url, body) {
  const resp = await fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  });
  const answer = await resp.json().catch(() => ({ok: false, error: `HTTP ${resp.status}`}));
  $("#status").textContent = answer.ok ? "" : `出错了：${answer.error}`;
  return answer;
}

async function act(kind, value = "") {
  if (!current) return;
  const send = $("#send");
  send.disabled = true;
  try {
    await post("/simulator/act", {openid: current, kind, value});
  } finally {
    send.disabled = false;
  }
}

$("#compose").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("#text").value.trim();
  if (!text) return;
  $("#text").value = "";
  act("text", text);
});
document.querySelectorAll(".icon").forEach((btn) => btn.addEventListener("click", () => {
  const photo = new URL("/simulator/static/photo.jpg", location.href).href;
  act(btn.dataset.kind, btn.dataset.kind === "image" ? photo : "");
}));
document.querySelectorAll(".menu button[data-key]").forEach((btn) => btn.addEventListener("click", () => {
  document.querySelectorAll(".menu .subs").forEach((s) => { s.hidden = true; });
  act("menu", btn.dataset.key);
}));
document.querySelectorAll(".menu .opens").forEach((btn) => btn.addEventListener("click", () => {
  const subs = btn.nextElementSibling;
  subs.hidden = !subs.hidden;
  btn.setAttribute("aria-expanded", String(!subs.hidden));
}));
document.querySelectorAll(".qr").forEach((btn) =>
  btn.addEventListener("click", () => act("scan", btn.dataset.code)));
document.querySelectorAll(".clockbtns button").forEach((btn) => btn.addEventListener("click", async () => {
  const answer = await post("/simulator/clock", {hours: Number(btn.dataset.hours)});
  if (answer.ok) $("#now").textContent = answer.now;
}));
people().forEach((btn) => btn.addEventListener("click", () => show(btn.dataset.openid)));

const stream = new EventSource("/simulator/events");
stream.onmessage = (e) => arrived(JSON.parse(e.data));

const first = decodeURIComponent(location.hash.slice(1)) || people()[0]?.dataset.openid;
show(first);
