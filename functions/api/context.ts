import type { User } from '../../schemas/access.ts';
import type { RequestScope } from './authorise.ts';

/** What a request carries through the app: who asked, what they asked to touch, and why they were refused. */
export interface ApiVariables {
  user: User | undefined;
  scope: RequestScope;
  touched: Record<string, string>;
  reason: string | undefined;
}
export type ApiEnv = { Variables: ApiVariables };

declare module 'hono' {
  interface ContextVariableMap extends ApiVariables {}
}
