import { startTestEnvironment, type TestEnvironment } from './environment.js';

declare global {
  var __hrmTestEnvironment: TestEnvironment | undefined;
}

export default async function globalSetup(): Promise<void> {
  const environment = await startTestEnvironment();
  globalThis.__hrmTestEnvironment = environment;
  process.env.HRM_TEST_NATS_URL = environment.natsUrl;
  process.env.HRM_TEST_DATABASE_URL = environment.postgresAdminUrl;
}
