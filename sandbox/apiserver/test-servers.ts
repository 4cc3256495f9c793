/** Test support: in-memory API servers for one test file, all stopped when the file's tests are done. */
import { after } from 'node:test';
import { ApiServer } from './server.ts';

/** Registers the stop hook; the function it answers makes one fresh ApiServer per call. */
export function freshServers(): () => ApiServer {
  const servers: ApiServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });
  return () => {
    const api = new ApiServer();
    servers.push(api);
    return api;
  };
}
