// `npm run status`: the platform's health (GET /api/v1/admin/health) as one
// readable table; exit code 0 when everything is ok, 1 otherwise. See
// scripts/stack/status-report.ts for where it finds the API and the token.
import { runStatus } from './stack/status-report.js';

process.exitCode = await runStatus();
