/**
 * Features and the compatibility policy: which deprecated or unstable
 * commands and members a client accepts, mirroring QEMU's
 * `-compat deprecated-input=…,unstable-input=…`.
 *
 * @module
 */

/**
 * The policy. `"accept"` (the default) allows deprecated or unstable commands
 * and members (editors still strike deprecated ones through); `"reject"`
 * makes them fail to compile.
 *
 * @example
 * ```ts
 * import type { CompatPolicy } from "./features.ts";
 * const strict: CompatPolicy = { deprecated: "reject", unstable: "reject" };
 * ```
 */
export interface CompatPolicy {
  /** `"reject"`: deprecated commands, members and values do not compile (QEMU's `-compat deprecated-input=reject`). */
  readonly deprecated?: "accept" | "reject";
  /** `"reject"`: unstable ones do not compile (`-compat unstable-input=reject`). */
  readonly unstable?: "accept" | "reject";
}

/**
 * The policy that accepts everything.
 *
 * @example
 * ```ts
 * import type { AcceptAll } from "./features.ts";
 * const policy: AcceptAll = {};
 * ```
 */
// deno-lint-ignore ban-types -- the empty policy: no feature is rejected
export type AcceptAll = {};

/**
 * The feature names a policy rejects, as a union (`never` for none).
 *
 * @example
 * ```ts
 * import type { RejectedFeatures } from "./features.ts";
 * const rejected: RejectedFeatures<{ deprecated: "reject" }> = "deprecated";
 * ```
 *
 * @internal
 */
export type RejectedFeatures<policy> =
  | (policy extends { deprecated: "reject" } ? "deprecated" : never)
  | (policy extends { unstable: "reject" } ? "unstable" : never);

/** A feature's name, whether written as a string or `{ name, if }`. */
type FeatureName<feature> = feature extends string ? feature
  : feature extends { name: infer name } ? name
  : never;

/**
 * True when a definition or member carries one of the `rejected` features.
 *
 * @example
 * ```ts
 * import type { HasFeature } from "./features.ts";
 * const yes: HasFeature<{ features: readonly ["deprecated"] }, "deprecated"> = true;
 * ```
 */
export type HasFeature<definition, rejected> = [rejected] extends [never] ? false
  : definition extends { features: readonly (infer feature)[] }
    ? (Extract<FeatureName<feature>, rejected> extends never ? false : true)
  : false;
