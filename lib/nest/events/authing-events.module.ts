import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ManagementClient } from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS } from '../constants.js';
import { AuthingConfigurationError } from '../options/option-checks.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { AUTHING_EVENT_KEY } from './on-authing-event.decorator.js';

/** Options of {@link AuthingEventsModule.forRoot}. */
export interface AuthingEventsOptions {
  /** Event socket origin; default `wss://openevent.authing.cn` (the emulator's `socketUri` in tests). */
  socketUri?: string;
  /** Reconnections of a lost socket before the failure is logged; default 5. */
  retryTimes?: number;
}

const EVENTS_OPTIONS = Symbol.for('nestjs-authing:events-options');

/** Finds `@OnAuthingEvent` methods at start-up, subscribes them, and unsubscribes on shutdown. */
@Injectable()
export class AuthingEventSubscriptions implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('AuthingEvents');
  readonly #stops: (() => void)[] = [];
  #client: ManagementClient | undefined;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(EVENTS_OPTIONS) private readonly events: AuthingEventsOptions,
  ) {}

  onApplicationBootstrap(): void {
    const handlers: { code: string; run: (data: string) => unknown }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const code = this.reflector.get<string | undefined>(AUTHING_EVENT_KEY, method as () => unknown);
        if (code)
          handlers.push({
            code,
            run: (data) => (method as (e: unknown, raw: string) => unknown).call(instance, parse(data), data),
          });
      }
    }
    if (handlers.length === 0) return;
    if (!this.options.management) {
      throw new AuthingConfigurationError(
        'accessKeyId',
        'is required by @OnAuthingEvent handlers (management event socket)',
      );
    }
    const client = new ManagementClient({ ...this.options.management, ...this.events });
    this.#client = client;
    for (const { code, run } of handlers) {
      const stop = client.sub(
        code,
        (data) => {
          void Promise.resolve()
            .then(() => run(data))
            .catch((error: unknown) =>
              this.#logger.error(`@OnAuthingEvent('${code}') handler failed: ${String(error)}`),
            );
        },
        (error) => this.#logger.error(`event socket for '${code}' gave up: ${error.message}`),
      );
      this.#stops.push(stop);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.#stops.splice(0)) stop();
    await this.#client?.close();
  }
}

/**
 * Delivers Authing events to `@OnAuthingEvent` methods, over the management event socket with the
 * credentials given to `AuthingModule` (import that too).
 */
@Module({})
export class AuthingEventsModule {
  static forRoot(options: AuthingEventsOptions = {}): DynamicModule {
    return {
      module: AuthingEventsModule,
      imports: [DiscoveryModule],
      providers: [{ provide: EVENTS_OPTIONS, useValue: { ...options } }, AuthingEventSubscriptions],
    };
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}
