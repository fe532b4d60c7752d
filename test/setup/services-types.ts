/** Endpoints of the real services started by scripts/test-services.sh (its services.json). */
export interface Services {
  readonly run: string;
  readonly snmpd: {
    readonly host: string;
    readonly port: number;
    readonly community: string;
    readonly v3: { readonly user: string; readonly auth: string; readonly priv: string };
  };
  readonly snmptrapd: {
    readonly host: string;
    readonly port: number;
    readonly community: string;
    readonly log: string;
  };
  readonly snmpsim: { readonly host: string; readonly port: number; readonly dataDir: string };
  readonly netconf: {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly password: string;
    readonly privateKey: string;
  };
  readonly influx: { readonly url: string };
  readonly prometheus: { readonly url: string; readonly scrapeTarget: string };
  readonly alertmanager: { readonly url: string; readonly webhook: string };
  readonly snmpExporter: { readonly url: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: Services;
  }
}
