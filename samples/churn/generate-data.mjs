#!/usr/bin/env node
// Writes the churn sample's data under data/ (next to this script unless --out says otherwise).
// Deterministic: the same options always give byte-identical files. No dependencies.
//
//   node samples/churn/generate-data.mjs [--customers 2000] [--events-per-customer 20] [--seed 42] [--out DIR]
//
// Deliberate data-quality problems, so that the pipeline's expectations fail visibly:
//   - about 2.4% of customers have an impossible age (7, 150, 203, ...): `age between 18 and 120 mostly 0.99`
//   - about 1% of countries are not two capital letters ("us", "Germany"): the `matches` warning
//   - about 0.5% of events belong to customers that do not exist: `customer_id in customers.customer_id`
// Timestamps are realistic for the point-in-time join: events run through 2024, labels are spread over
// the year, so most customers have events after their label time that the join must exclude, and some
// labels predate the customer's signup (no profile row yet: nulls, not leaks).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000' },
    'events-per-customer': { type: 'string', default: '20' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string' },
  },
});
const customers = positiveInt(opts.customers, 'customers');
const eventsPerCustomer = positiveInt(opts['events-per-customer'], 'events-per-customer');
const seed = positiveInt(opts.seed, 'seed');
const out = opts.out ?? join(dirname(fileURLToPath(import.meta.url)), 'data');

function positiveInt(text, name) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`generate-data: --${name} must be a positive integer, got '${text}'`);
    process.exit(2);
  }
  return n;
}

// mulberry32: tiny, fast and good enough for sample data; seeded so runs repeat exactly.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const between = (lo, hi) => lo + random() * (hi - lo);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const DAY = 86_400_000;
const t0 = Date.UTC(2022, 0, 1);
const signupEnd = Date.UTC(2024, 5, 30);
const eventsStart = Date.UTC(2024, 0, 1);
const eventsEnd = Date.UTC(2025, 0, 1);
const stamp = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').replace('.000Z', '');
const id = (n) => `C${String(n).padStart(6, '0')}`;

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'IN', 'BR', 'JP', 'CA', 'ES', 'NL'];
const BAD_COUNTRIES = ['us', 'Germany', 'fr', 'U.K.'];
const BAD_AGES = [7, 150, 203, 0, 12, 999];

// ---- customers ----
const people = [];
for (let i = 1; i <= customers; i++) {
  const plan = random() < 0.6 ? 'free' : random() < 0.75 ? 'pro' : 'team';
  const age = random() < 0.024 ? pick(BAD_AGES) : Math.max(18, Math.min(90, Math.round(38 + 12 * normal())));
  const country = random() < 0.01 ? pick(BAD_COUNTRIES) : pick(COUNTRIES);
  // Engagement drives both activity and churn, so the features carry signal.
  const engagement = Math.exp(normal() * 0.8) * (plan === 'free' ? 0.7 : plan === 'pro' ? 1.2 : 1.5);
  people.push({ id: id(i), signup: between(t0, signupEnd), plan, age, country, engagement });
}
const customerLines = ['customer_id,signup_at,plan,age,country',
  ...people.map((p) => `${p.id},${stamp(p.signup)},${p.plan},${p.age},${p.country}`)];

// ---- events, one file per quarter of 2024 ----
const quarters = [[], [], [], []];
let eventId = 0;
for (const p of people) {
  const start = Math.max(p.signup, eventsStart);
  const n = Math.max(1, Math.round(eventsPerCustomer * p.engagement * between(0.5, 1.5)));
  for (let k = 0; k < n; k++) {
    const at = between(start, eventsEnd);
    const type = random() < 0.15 ? 'purchase' : pick(['login', 'view', 'view', 'support']);
    const amount = type === 'purchase' ? (Math.exp(3 + 0.7 * normal())).toFixed(2) : '0.00';
    const who = random() < 0.005 ? id(900000 + Math.floor(random() * 1000)) : p.id;
    quarters[new Date(at).getUTCMonth() / 3 | 0].push({ at, line: `${++eventId},${who},${stamp(at)},${type},${amount}` });
  }
}

// ---- labels: one to three observation times per customer ----
const labelLines = ['customer_id,label_at,churned'];
for (const p of people) {
  const count = 1 + Math.floor(random() * 3);
  const days = new Set();
  for (let k = 0; k < count; k++) {
    // Mostly after signup; a few before it (the profile view then has no row yet).
    const at = Math.floor(between(Date.UTC(2024, 1, 1), Date.UTC(2024, 11, 1)) / DAY) * DAY;
    if (days.has(at)) continue; // (customer_id, label_at) is a key: `expect unique(customer_id, label_at)`
    days.add(at);
    const risk = 1 / (1 + Math.exp(2.2 * (p.engagement - 0.9)));
    labelLines.push(`${p.id},${stamp(at)},${random() < risk ? 1 : 0}`);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'events'), { recursive: true });
writeFileSync(join(out, 'customers.csv'), customerLines.join('\n') + '\n');
quarters.forEach((rows, q) => {
  rows.sort((a, b) => a.at - b.at);
  writeFileSync(join(out, 'events', `2024-q${q + 1}.csv`), ['event_id,customer_id,event_at,event_type,amount', ...rows.map((r) => r.line)].join('\n') + '\n');
});
writeFileSync(join(out, 'labels.csv'), labelLines.join('\n') + '\n');
const events = quarters.reduce((n, q) => n + q.length, 0);
console.log(`generate-data: ${customers} customers, ${events} events in 4 files, ${labelLines.length - 1} labels -> ${out}`);
