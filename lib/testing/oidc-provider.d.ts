/**
 * The part of oidc-provider's API the emulator uses (the package ships no type declarations).
 * Internal to lib/testing: no exported type of the emulator refers to these.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string; uid?: string };
    grantId?: string;
    returnTo: string;
  }

  export interface OidcClient {
    clientId: string;
    clientAuthMethod: string;
    clientName?: string;
  }

  export interface OidcGrant {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface OidcRefreshToken {
    jti: string;
    accountId: string;
    clientId: string;
    grantId: string;
    scope?: string;
    iat: number;
    exp: number;
    isValid: boolean;
    destroy(): Promise<void>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    Grant: {
      new (properties: { accountId: string; clientId: string }): OidcGrant;
      find(id: string): Promise<OidcGrant | undefined>;
    };
    RefreshToken: {
      new (properties: Record<string, unknown>): { save(): Promise<string> };
      find(value: string): Promise<OidcRefreshToken | undefined>;
    };
    Client: { find(id: string): Promise<OidcClient | undefined> };
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
  };

  export default Provider;
}
