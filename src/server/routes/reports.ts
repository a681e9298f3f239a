import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { loopReportRoutes } from './reports/loop.js';
import { npsReportRoutes } from './reports/nps.js';
import { overviewReportRoutes } from './reports/overview.js';
import { auditReportRoutes } from './reports/audit.js';
import { riskReportRoutes } from './reports/risk.js';
import { valueReportRoutes } from './reports/value.js';

/**
 * Reports, one sub-app per report (each in routes/reports/). Every report answers JSON, or CSV with
 * `format=csv`; managers get their own accounts only.
 */
export const reportRoutes = new Hono<AppEnv>();
reportRoutes.route('/', loopReportRoutes);
reportRoutes.route('/', npsReportRoutes);
reportRoutes.route('/', overviewReportRoutes);
reportRoutes.route('/', auditReportRoutes);
reportRoutes.route('/', riskReportRoutes);
reportRoutes.route('/', valueReportRoutes);
