// Every collector in one place: its path, its Request ▶ Response handler and its sender.
// collectors/run.ts serves these; the bench and the simulator use the senders.

import type { Runtime } from '@/lib/runtime';
import { cloudeventsCollector } from './cloudevents/collector';
import * as cloudeventsSender from './cloudevents/sender';
import { docusignCollector } from './docusign/collector';
import * as docusignSender from './docusign/sender';
import { filesCollector } from './files/collector';
import * as filesSender from './files/sender';
import { hubspotCollector } from './hubspot/collector';
import * as hubspotSender from './hubspot/sender';
import { netsuiteCollector } from './netsuite/collector';
import * as netsuiteSender from './netsuite/sender';
import { otlpTracesHandler } from './otlp/handler';
import { quickbooksCollector } from './quickbooks/collector';
import * as quickbooksSender from './quickbooks/sender';
import { salesforceCollector } from './salesforce/collector';
import * as salesforceSender from './salesforce/sender';
import { collectorHandler, type Collector } from './shared/collector';
import type { Sender } from './shared/native';
import { stripeCollector } from './stripe/collector';
import * as stripeSender from './stripe/sender';
import { xeroCollector } from './xero/collector';
import * as xeroSender from './xero/sender';

export const COLLECTORS: Record<string, { collector: Collector; sender: Sender; auth: 'secret' | 'token' }> = {
  salesforce: { collector: salesforceCollector, sender: salesforceSender.nativeRequests, auth: 'token' },
  hubspot: { collector: hubspotCollector, sender: hubspotSender.nativeRequests, auth: 'secret' },
  docusign: { collector: docusignCollector, sender: docusignSender.nativeRequests, auth: 'secret' },
  stripe: { collector: stripeCollector, sender: stripeSender.nativeRequests, auth: 'secret' },
  quickbooks: { collector: quickbooksCollector, sender: quickbooksSender.nativeRequests, auth: 'secret' },
  xero: { collector: xeroCollector, sender: xeroSender.nativeRequests, auth: 'secret' },
  netsuite: { collector: netsuiteCollector, sender: netsuiteSender.nativeRequests, auth: 'secret' },
  cloudevents: { collector: cloudeventsCollector, sender: cloudeventsSender.nativeRequests, auth: 'token' },
  files: { collector: filesCollector, sender: filesSender.nativeRequests, auth: 'token' },
};

export type RouteHandler = (req: Request) => Promise<Response>;

/** Path ▶ handler for every collector, bound to a runtime. */
export function collectorRoutes(runtime?: () => Promise<Runtime>): Map<string, RouteHandler> {
  const routes = new Map<string, RouteHandler>();
  for (const [name, c] of Object.entries(COLLECTORS)) routes.set(`/api/ingest/${name}`, collectorHandler(c.collector, { runtime }));
  routes.set('/v1/traces', otlpTracesHandler({ runtime }));
  return routes;
}
