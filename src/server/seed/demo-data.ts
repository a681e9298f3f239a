import type { BuyingRole, Level } from '../../shared/schemas/contact.js';
import type { Stage } from '../../shared/schemas/account.js';
import type { Role } from '../../shared/schemas/user.js';

export const DEMO_PASSWORD = 'keypulse-demo';

export const demoUsers: { key: string; email: string; name: string; role: Role }[] = [
  { key: 'admin', email: 'admin@keypulse.demo', name: 'Alex Admin', role: 'admin' },
  { key: 'exec', email: 'erin.exec@keypulse.demo', name: 'Erin Okafor', role: 'executive' },
  { key: 'maria', email: 'maria.manager@keypulse.demo', name: 'María Santos', role: 'account_manager' },
  { key: 'tom', email: 'tom.manager@keypulse.demo', name: 'Tom Lindqvist', role: 'account_manager' },
  { key: 'priya', email: 'priya.manager@keypulse.demo', name: 'Priya Raman', role: 'account_manager' },
];

type DemoContact = [name: string, title: string, level: Level, role: BuyingRole, strength: number, language?: string];
interface DemoAccount {
  name: string;
  industry: string;
  owner: string;
  stage: Stage;
  revenue: number; // whole currency units; stored in minor units
  marginPct: number;
  costToServe: number;
  contractStart: string;
  renewalInDays: number;
  notes?: string;
  contacts: DemoContact[];
}

export const demoAccounts: DemoAccount[] = [
  {
    name: 'Northwind Logistics', industry: 'Logistics', owner: 'maria', stage: 'key_account',
    revenue: 2_400_000, marginPct: 31, costToServe: 180_000, contractStart: '2022-03-01', renewalInDays: 75,
    notes: '8% discount for early payment. Quarterly business review in their Rotterdam office.',
    contacts: [
      ['Hannah Visser', 'Chief Operating Officer', 'instigator', 'decision_maker', 4],
      ['Pieter de Jong', 'Procurement Director', 'influencer', 'economic_buyer', 3],
      ['Lotte Bakker', 'Warehouse Systems Lead', 'implementer', 'technical_buyer', 5],
      ['Sem Janssen', 'Dispatcher', 'implementer', 'user', 4],
    ],
  },
  {
    name: 'Iberia Foods', industry: 'Food & Beverage', owner: 'maria', stage: 'key_account',
    revenue: 1_650_000, marginPct: 24, costToServe: 210_000, contractStart: '2021-09-15', renewalInDays: 200,
    notes: 'Route calls to a Spanish-speaking agent. Invoices in EUR.',
    contacts: [
      ['Lucía Fernández', 'Directora General', 'instigator', 'decision_maker', 3, 'es'],
      ['Javier Moreno', 'Jefe de Compras', 'influencer', 'economic_buyer', 2, 'es'],
      ['Carmen Ruiz', 'Responsable de Calidad', 'implementer', 'champion', 5, 'es'],
    ],
  },
  {
    name: 'Helios Energy', industry: 'Energy', owner: 'maria', stage: 'customer',
    revenue: 640_000, marginPct: 18, costToServe: 95_000, contractStart: '2023-01-10', renewalInDays: 310,
    contacts: [
      ['Marcus Webb', 'Head of Field Operations', 'influencer', 'technical_buyer', 3],
      ['Aisha Khan', 'Operations Analyst', 'implementer', 'user', 4],
    ],
  },
  {
    name: 'Fjord Maritime', industry: 'Logistics', owner: 'maria', stage: 'prospect',
    revenue: 0, marginPct: 0, costToServe: 12_000, contractStart: '', renewalInDays: 0,
    contacts: [['Ingrid Solberg', 'Fleet Director', 'instigator', 'decision_maker', 2]],
  },
  {
    name: 'Atlas Health Group', industry: 'Healthcare', owner: 'tom', stage: 'key_account',
    revenue: 3_100_000, marginPct: 27, costToServe: 420_000, contractStart: '2020-06-01', renewalInDays: 40,
    notes: 'All changes go through their change advisory board (second Tuesday of the month).',
    contacts: [
      ['Dr. Samuel Osei', 'Chief Medical Information Officer', 'instigator', 'decision_maker', 3],
      ['Rachel Kim', 'VP Finance', 'instigator', 'economic_buyer', 2],
      ['Daniel Brooks', 'IT Service Manager', 'influencer', 'gatekeeper', 3],
      ['Nora Patel', 'Clinical Systems Trainer', 'implementer', 'champion', 5],
      ['Leo Martins', 'Ward Administrator', 'implementer', 'user', 3],
    ],
  },
  {
    name: 'Brightline Retail', industry: 'Retail', owner: 'tom', stage: 'key_account',
    revenue: 2_500_000, marginPct: 9, costToServe: 260_000, contractStart: '2022-11-01', renewalInDays: 150,
    notes: 'Price-sensitive; benchmarks us against two other suppliers every year.',
    contacts: [
      ['Olivia Grant', 'Supply Chain Manager', 'influencer', 'economic_buyer', 2],
      ['Ben Carter', 'Store Systems Engineer', 'implementer', 'technical_buyer', 3],
    ],
  },
  {
    name: 'Quantum Components', industry: 'Manufacturing', owner: 'tom', stage: 'customer',
    revenue: 520_000, marginPct: 22, costToServe: 60_000, contractStart: '2023-05-20', renewalInDays: 260,
    contacts: [
      ['Yuki Tanaka', 'Plant Manager', 'instigator', 'decision_maker', 4],
      ['Felix Wagner', 'Production Planner', 'implementer', 'user', 3, 'de'],
    ],
  },
  {
    name: 'Cobalt Insurance', industry: 'Financial Services', owner: 'tom', stage: 'suspect',
    revenue: 0, marginPct: 0, costToServe: 0, contractStart: '', renewalInDays: 0,
    contacts: [['Grace Liu', 'Head of Claims Operations', 'influencer', 'economic_buyer', 1]],
  },
  {
    name: 'Meridian Telecom', industry: 'Telecommunications', owner: 'priya', stage: 'key_account',
    revenue: 2_050_000, marginPct: 29, costToServe: 150_000, contractStart: '2021-02-01', renewalInDays: 95,
    contacts: [
      ['Arjun Mehta', 'CTO', 'instigator', 'decision_maker', 4],
      ['Sofia Rossi', 'Vendor Manager', 'influencer', 'gatekeeper', 3],
      ['Kwame Mensah', 'Network Operations Lead', 'implementer', 'champion', 5],
    ],
  },
  {
    name: 'Verde Agritech', industry: 'Agriculture', owner: 'priya', stage: 'customer',
    revenue: 380_000, marginPct: 35, costToServe: 30_000, contractStart: '2024-02-01', renewalInDays: 180,
    contacts: [
      ['Camila Rojas', 'Directora de Operaciones', 'instigator', 'decision_maker', 3, 'es'],
      ['Mateo Silva', 'Agronomist', 'implementer', 'user', 4, 'es'],
    ],
  },
  {
    name: 'Summit Construction', industry: 'Construction', owner: 'priya', stage: 'customer',
    revenue: 910_000, marginPct: 14, costToServe: 140_000, contractStart: '2022-07-01', renewalInDays: 20,
    contacts: [
      ['Greg Holloway', 'Project Director', 'influencer', 'decision_maker', 2],
      ['Tanya Ivanova', 'Site IT Coordinator', 'implementer', 'technical_buyer', 3],
    ],
  },
  {
    name: 'Lumen Education', industry: 'Education', owner: 'priya', stage: 'prospect',
    revenue: 0, marginPct: 0, costToServe: 8_000, contractStart: '', renewalInDays: 0,
    contacts: [['Dr. Ellen Shaw', 'Provost', 'instigator', 'decision_maker', 2]],
  },
];
