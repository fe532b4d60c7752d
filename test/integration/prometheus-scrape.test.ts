import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type RunningNetwatch, startNetwatch, waitForHttp } from '../helpers/netwatch-process.js';

/** A real Prometheus scrapes `netwatch run` polling the real ex4600mp recording on snmpsim. */

const { prometheus, snmpsim } = inject('services');
const [listenHost, listenPort] = prometheus.scrapeTarget.split(':');
let netwatch: RunningNetwatch | undefined;
afterAll(async () => {
  await netwatch?.stop();
});

async function promQuery(
  query: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

describe('netwatch run scraped by Prometheus', () => {
  it('serves /metrics that Prometheus ingests and promtool accepts', async () => {
    netwatch = startNetwatch(`
http: { listen: ${listenHost}:${listenPort} }
defaults:
  interval: 5s
  site: lab
  snmp: { version: 2c, community: junos_ex4600mp, port: ${snmpsim.port}, timeout: 2s }
devices:
  - { name: ex4600mp, host: ${snmpsim.host} }
  - { name: qfx5100, host: ${snmpsim.host}, snmp: { version: 2c, community: junos_qfx5100 } }
`);
    await waitForHttp(`http://${prometheus.scrapeTarget}/readyz`);
    expect((await fetch(`http://${prometheus.scrapeTarget}/healthz`)).status).toBe(200);

    await expect
      .poll(async () => (await promQuery('netwatch_vc_master_member{device="ex4600mp"}'))[0]?.value[1], {
        timeout: 20_000,
        interval: 250,
      })
      .toBe('1');
    const roles = await promQuery('netwatch_vc_member_role{device="ex4600mp"} == 1');
    expect(Object.fromEntries(roles.map((r) => [r.metric.member, r.metric.role]))).toMatchObject({
      '0': 'backup',
      '1': 'master',
      '2': 'linecard',
    });
    expect((await promQuery('netwatch_device_up{device="qfx5100",site="lab"}'))[0]?.value[1]).toBe('1');

    const text = await (await fetch(`http://${prometheus.scrapeTarget}/metrics`)).text();
    const own = `${text
      .split('\n')
      .filter((l) => /^(# (HELP|TYPE) )?netwatch_/.test(l))
      .join('\n')}\n`;
    expect(own).toContain('netwatch_interface_receive_bytes_total{');
    const promtool = promisify(execFile)('promtool', ['check', 'metrics']);
    promtool.child.stdin?.end(own);
    await expect(promtool).resolves.toBeDefined(); // exit 0: no lint problems

    expect(await netwatch.stop()).toBe(0);
    expect(netwatch.output()).toContain('msg="netwatch stopped"');
  });
});
