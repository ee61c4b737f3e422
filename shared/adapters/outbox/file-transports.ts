import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  ActivityNotice,
  ActivityTransport,
  ChannelPost,
  ChannelTransport,
  DeliveryReceipt,
  EmailTransport,
  OutgoingEmail,
} from '../../ports/outbox.port';
import { buildEml } from '../email/eml';
import { activityRequestBody } from '../graph/activity-request';
import { workflowMessage } from '../teams/teams-webhook.transport';

/*
 * The embedded channels of `npm start`: every delivery becomes a file under the outbox
 * folder, exactly what the provider would have been given: an .eml per e-mail, the webhook
 * message per channel post, the Graph request per activity notice. File names come from the
 * delivery, so a repeated attempt rewrites the same file instead of adding one.
 */

const safe = (key: string) => key.replace(/[^A-Za-z0-9._-]+/g, '_');

async function writeAtomically(dir: string, name: string, content: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, content, 'utf8');
  await fs.rename(tmp, file);
  return file;
}

export class FileEmailTransport implements EmailTransport {
  readonly name = 'embedded';

  constructor(
    private readonly dir: string,
    private readonly sender: string,
  ) {}

  async send(mail: OutgoingEmail): Promise<DeliveryReceipt> {
    const eml = buildEml({ ...mail, from: this.sender, date: new Date(mail.date), messageId: `${safe(mail.deliveryKey)}@driftpuls.local` });
    const file = await writeAtomically(this.dir, `${safe(mail.deliveryKey)}.eml`, eml);
    return { providerMessageId: path.basename(file) };
  }
}

export class FileChannelTransport implements ChannelTransport {
  readonly name = 'embedded';

  constructor(private readonly dir: string) {}

  async post(post: ChannelPost): Promise<DeliveryReceipt> {
    const body = { forum: post.forum, webhook: `TEAMS_WEBHOOK_${post.forum}`, request: workflowMessage(post.card) };
    const file = await writeAtomically(this.dir, `${safe(post.deliveryKey)}.card.json`, `${JSON.stringify(body, null, 2)}\n`);
    return { providerMessageId: path.basename(file) };
  }
}

export class FileActivityTransport implements ActivityTransport {
  readonly name = 'embedded';

  constructor(
    private readonly dir: string,
    private readonly teamsAppId: string,
  ) {}

  async notify(notice: ActivityNotice): Promise<DeliveryReceipt> {
    const body = {
      method: 'POST',
      path: `/v1.0/users/${encodeURIComponent(notice.user)}/teamwork/sendActivityNotification`,
      body: activityRequestBody(notice, this.teamsAppId),
    };
    const file = await writeAtomically(this.dir, `${safe(notice.deliveryKey)}.activity.json`, `${JSON.stringify(body, null, 2)}\n`);
    return { providerMessageId: path.basename(file) };
  }
}
