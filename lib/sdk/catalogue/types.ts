/** A value a query parameter accepts; arrays travel as repeated `key[]=value`. */
export type QueryValue = string | number | boolean | Date | readonly (string | number)[];

/** Any JSON object: the request of a body endpoint without a core type. */
export type JsonObject = Record<string, unknown>;

/** A method's parameter list: optional when every field of its request is optional. */
export type ArgsOf<R> = [R] extends [void] ? [] : Record<string, never> extends R ? [request?: R] : [request: R];
