// Connections to Temporal for clients (API) and workers, from the configuration.
import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { dataConverterFor, type EncryptionKeys } from './payload-codec';
import type { Config } from '../config/env';

function tlsOptions(config: Config['temporal']): ConnectionOptions['tls'] {
  if (config.tlsCertPath && config.tlsKeyPath) {
    return {
      clientCertPair: { crt: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath) },
    };
  }
  return config.apiKey ? true : undefined;
}

export async function connectClient(
  config: Config['temporal'],
  encryption?: EncryptionKeys,
): Promise<Client> {
  const connection = await Connection.connect({
    address: config.address,
    tls: tlsOptions(config),
    apiKey: config.apiKey,
    connectTimeout: '5 seconds',
  });
  return new Client({ connection, namespace: config.namespace, dataConverter: dataConverterFor(encryption) });
}

export async function connectWorker(config: Config['temporal']): Promise<NativeConnection> {
  const options: NativeConnectionOptions = {
    address: config.address,
    tls: tlsOptions(config) as NativeConnectionOptions['tls'],
    apiKey: config.apiKey,
  };
  return NativeConnection.connect(options);
}
