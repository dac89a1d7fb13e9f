import type { Server } from 'node:http';
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';

export interface Task {
  status: string;
  output?: {
    links?: Array<{ title: string; url?: string; entityRef?: string }>;
    text?: Array<{ title: string; content: string }>;
  };
}

/**
 * Runs a template as `user` through the scaffolder's task API, as the wizard does, and returns
 * the finished task with its outputs and its log.
 */
export async function runScaffolderTask(
  server: Server,
  user: string,
  templateRef: string,
  values: object,
  options: { timeoutMs?: number } = {},
): Promise<{ task: Task; log: string }> {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', mockCredentials.user.header(user))
    .send({ templateRef, values });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const id: string = created.body.id;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const res = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}`)
      .set('Authorization', mockCredentials.user.header(user));
    const task = res.body as Task;
    if (task.status === 'completed' || task.status === 'failed') {
      const events = await request(server)
        .get(`/api/scaffolder/v2/tasks/${id}/events`)
        .set('Authorization', mockCredentials.user.header(user));
      const list = events.body as Array<{
        type: string;
        body: { message?: string; output?: Task['output'] };
      }>;
      const log = list.map(e => e.body.message ?? '').join('\n');
      // The outputs (links, text) come with the completion event.
      const completion = list.find(e => e.type === 'completion');
      task.output = completion?.body.output;
      return { task, log };
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`task ${id} did not finish`);
}
